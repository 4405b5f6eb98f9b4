"""Contacts and their notes, kept with the author's own id so a resend finds the first one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from sync.server.db.base import Base, UTCDateTime, utcnow


class Contact(Base):
    """One contact of a customer with the chain.

    ``source`` names who gave ``contact_ref`` (``channel:<id>``, ``store`` for terminals' UUIDs,
    ``hq``), so two channels may use the same ticket number without meeting.
    """

    __tablename__ = "contacts"
    __table_args__ = (UniqueConstraint("source", "contact_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(24))
    contact_ref: Mapped[str] = mapped_column(String(64))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(12))
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"))
    channel_id: Mapped[int | None] = mapped_column(ForeignKey("channels.id"))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)
    status_by: Mapped[str | None] = mapped_column(String(100))
    status_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    order_id: Mapped[str | None] = mapped_column(String(64))
    receipt_no: Mapped[str | None] = mapped_column(String(64))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    request_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ContactNote(Base):
    """A note on a contact; an ``internal`` one is read by HQ and by whoever wrote it."""

    __tablename__ = "contact_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    internal: Mapped[bool] = mapped_column(Boolean, default=False)
    author_kind: Mapped[str] = mapped_column(String(10))
    author_id: Mapped[str] = mapped_column(String(36))
    author: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
