"""Locations (stores and the online warehouse) and their clerks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from sync.server.db.base import Base, UTCDateTime, utcnow

ONLINE_CODE = "ONLINE"


class Store(Base):
    """A location that holds stock: a store (``kind='store'``) or the online warehouse (``'online'``)."""

    __tablename__ = "stores"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(10), default="store")
    registration_number: Mapped[str | None] = mapped_column(String(14))
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Tokyo")
    address: Mapped[str] = mapped_column(String(200), default="")
    receipt_header: Mapped[str] = mapped_column(String(500), default="")
    receipt_footer: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Clerk(Base):
    """A clerk of one store; only a scrypt hash of the PIN is kept (it syncs to terminals)."""

    __tablename__ = "clerks"
    __table_args__ = (UniqueConstraint("store_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    code: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(100))
    pin_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
