"""Credentials: HQ admin tokens, paired devices, channel API keys and pairing codes, all hashed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from sync.server.db.base import Base, UTCDateTime, utcnow


class AdminToken(Base):
    """An HQ token (sha256 of it)."""

    __tablename__ = "admin_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Device(Base):
    """A paired terminal, scoped to one store."""

    __tablename__ = "devices"
    __table_args__ = (Index("uq_devices_store_register_no", "store_id", "register_no", unique=True),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    # The register number in its store (01, 02, … 100, …): receipt numbers carry it, so no two
    # devices of a store share one, revoked ones included.
    register_no: Mapped[int] = mapped_column(Integer)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What the terminal said at its last contact (see ``note_device_contact``): its software, how many
    # events its outbox still held, and the change-feed position it had applied.
    client_version: Mapped[str | None] = mapped_column(String(64))
    pending_events: Mapped[int | None] = mapped_column(Integer)
    feed_position: Mapped[int | None] = mapped_column(BigInteger)


class Channel(Base):
    """An online-shop integration with its API key."""

    __tablename__ = "channels"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    # What kind of desk the key belongs to: online orders and contacts it sends say "web" or "call_centre".
    kind: Mapped[str] = mapped_column(String(12), default="web", server_default="web")
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PairingCode(Base):
    """A short-lived, one-use code HQ hands to a store to pair a terminal."""

    __tablename__ = "pairing_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
