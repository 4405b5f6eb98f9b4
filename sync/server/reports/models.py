"""Store sales summed per store and calendar day, so a year of a chain is read as days, not receipts."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from sync.server.db.base import Base, UTCDateTime


class SalesDay(Base):
    """One store's day (in its time zone) of the sales received before ``RollupMark.covered_before``."""

    __tablename__ = "sales_days"

    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    receipts: Mapped[int] = mapped_column(BigInteger)
    sales: Mapped[int] = mapped_column(BigInteger)
    returns: Mapped[int] = mapped_column(BigInteger)
    voids: Mapped[int] = mapped_column(BigInteger)
    points_issued: Mapped[int] = mapped_column(BigInteger)
    points_used: Mapped[int] = mapped_column(BigInteger)


class SalesDayRate(Base):
    """One store's day at one tax rate: taxable amount and tax, net of returns and voids."""

    __tablename__ = "sales_day_rates"

    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    rate: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    taxable: Mapped[int] = mapped_column(BigInteger)
    tax: Mapped[int] = mapped_column(BigInteger)


class RollupMark(Base):
    """Sales received (``created_at``) before ``covered_before`` are in the day tables; later ones are
    read from the sales themselves."""

    __tablename__ = "sales_days_mark"

    id: Mapped[int] = mapped_column(primary_key=True)
    covered_before: Mapped[datetime] = mapped_column(UTCDateTime)
