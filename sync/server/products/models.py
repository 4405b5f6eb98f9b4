"""The chain's product master (prices are tax-inclusive yen)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from sync.server.db.base import Base, UTCDateTime, utcnow


class Product(Base):
    """One product, keyed by ``sku``; ``tax_class`` is ``standard`` or ``reduced``."""

    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(32), unique=True)
    jan: Mapped[str | None] = mapped_column(String(14), index=True)
    name: Mapped[str] = mapped_column(String(120))
    name_kana: Mapped[str] = mapped_column(String(120), default="")
    price: Mapped[int] = mapped_column(Integer)
    tax_class: Mapped[str] = mapped_column(String(10))
    category: Mapped[str | None] = mapped_column(String(60))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
