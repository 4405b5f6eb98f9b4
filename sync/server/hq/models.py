"""HQ people: users with roles (and, for store managers, their stores), sessions and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from sync.server.db.base import Base, BigId, JsonDoc, UTCDateTime, utcnow

ROLES = ("admin", "manager", "auditor")
"""HQ admin (everything), store manager (their stores only), auditor (reads everything, changes nothing)."""


class HqUser(Base):
    """A named person who signs in to the console; only an argon2 hash of the password is kept."""

    __tablename__ = "hq_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(32), unique=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(10))
    language: Mapped[str] = mapped_column(String(2), default="ja")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class HqUserStore(Base):
    """A store a store manager may see and run."""

    __tablename__ = "hq_user_stores"

    user_id: Mapped[int] = mapped_column(ForeignKey("hq_users.id", ondelete="CASCADE"), primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), primary_key=True)


class HqSession(Base):
    """A signed-in browser: the cookie holds a random token, the row its sha256 and the CSRF token."""

    __tablename__ = "hq_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("hq_users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    address: Mapped[str] = mapped_column(String(64), default="")


class HqAuditEntry(Base):
    """One change made through the console (or a sign-in, sign-out or refused sign-in), never updated."""

    __tablename__ = "hq_audit_log"
    __table_args__ = (Index("ix_hq_audit_log_at", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("hq_users.id"))
    username: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(120), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)
    address: Mapped[str] = mapped_column(String(64), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
