"""The change log terminals pull from, and the server epoch their cursors carry."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from sync.server.db.base import Base, BigId, JsonDoc, UTCDateTime, utcnow


class ChangeLog(Base):
    """One change to data a terminal caches; ``id`` grows in commit order per key, and readers serve
    it only up to a bound no later commit can go below (``changes.service``)."""

    __tablename__ = "change_log"
    # A store's rows after a cursor (and the chain's, store_code NULL) in id order: the idle pull's
    # "anything for me?" (``FEED_HEAD``), a terminal's feed lag, and the pull's read itself.
    __table_args__ = (Index("ix_change_log_store_code_id", "store_code", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    entity: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(128))
    store_code: Mapped[str | None] = mapped_column(String(16))
    payload: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ServerEpoch(Base):
    """A random id made when the database was first migrated; a restore from backup changes it."""

    __tablename__ = "server_epoch"

    id: Mapped[int] = mapped_column(primary_key=True)
    epoch: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
