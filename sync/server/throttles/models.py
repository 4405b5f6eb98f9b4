"""One counter per throttle key and time window."""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from sync.server.db.base import Base


class ThrottleCount(Base):
    """How many failures ``key`` had in the millisecond ``window`` (Unix time in ms)."""

    __tablename__ = "throttle_counts"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hits: Mapped[int] = mapped_column(Integer)
