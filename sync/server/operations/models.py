"""A person's resolution of a dead letter or a flagged event (the event itself is never changed)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.naming import conv

from sync.server.db.base import Base, UTCDateTime, utcnow


class Resolution(Base):
    """``kind`` is ``dead_letter`` (``ref`` = its id) or ``flagged_event`` (``ref`` = the event id)."""

    __tablename__ = "event_resolutions"
    __table_args__ = (
        UniqueConstraint("kind", "ref", name=conv("uq_event_resolutions_kindref")),
    )  # as 0006 named it

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    ref: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(String(500), default="")
    resolved_by: Mapped[str] = mapped_column(String(40))
    resolved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
