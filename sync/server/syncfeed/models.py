"""Every event id the server has seen, with what became of it, and the dead-letter list."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from sync.server.db.base import Base, JsonDoc, UTCDateTime, utcnow


class ReceivedEvent(Base):
    """One terminal event, stored in the same transaction as its effects: the unique id is what makes a
    resend harmless."""

    __tablename__ = "received_events"
    __table_args__ = (Index("ix_received_events_terminal_seq", "store_id", "terminal_code", "seq"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    device_id: Mapped[str] = mapped_column(String(36))
    terminal_code: Mapped[str] = mapped_column(String(10))
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(30))
    payload_hash: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    """As stored (``json``, not ``jsonb``): kept, hashed and read whole, never queried inside but by an erasure."""
    status: Mapped[str] = mapped_column(String(10))
    detail: Mapped[str] = mapped_column(String(500), default="")
    flags: Mapped[list[str]] = mapped_column(JsonDoc, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DeadLetter(Base):
    """An event the server would not apply (invalid, or an id reused with other content), kept for people."""

    __tablename__ = "dead_letters"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), index=True)
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"), index=True)
    device_id: Mapped[str] = mapped_column(String(36))
    reason: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(String(1000))
    envelope: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
