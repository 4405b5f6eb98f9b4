"""Click & collect hand-overs, online browsing events, tracking exclusions and coupons."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from sync.server.db.base import Base, BigId, JsonDoc, UTCDateTime, utcnow


class Pickup(Base):
    """The in-store side of a pickup order; made on first use (the order itself is ``OnlineOrder``)."""

    __tablename__ = "pickups"

    id: Mapped[int] = mapped_column(primary_key=True)
    online_order_id: Mapped[int] = mapped_column(ForeignKey("online_orders.id"), unique=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    pay_at_store: Mapped[bool] = mapped_column(Boolean, default=False)
    ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    collected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    collected_by: Mapped[str | None] = mapped_column(String(16))
    collected_device: Mapped[str | None] = mapped_column(String(36))
    payments: Mapped[list[dict[str, Any]]] = mapped_column(JsonDoc, default=list)
    amount_paid: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BrowsingEvent(Base):
    """Something a member did in the web shop; ``event_id`` is the shop's, so a resend is a no-op."""

    __tablename__ = "browsing_events"
    __table_args__ = (Index("ix_browsing_events_customer_at", "customer_id", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(64), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    sku: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class TrackingExclusion(Base):
    """A member who asked not to be tracked: their browsing events are deleted and no longer kept."""

    __tablename__ = "tracking_exclusions"

    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), primary_key=True)
    excluded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CouponCampaign(Base):
    """A campaign HQ issued: an amount or percent off, with a minimum spend and eligible categories."""

    __tablename__ = "coupon_campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(10))
    value: Mapped[int] = mapped_column(Integer)
    min_spend: Mapped[int] = mapped_column(Integer, default=0)
    categories: Mapped[list[str]] = mapped_column(JsonDoc, default=list)
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime)
    valid_to: Mapped[datetime] = mapped_column(UTCDateTime)
    single_use: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Coupon(Base):
    """One code of a campaign: for one member (``customer_id``) or open to anyone."""

    __tablename__ = "coupons"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("coupon_campaigns.id"), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)


class CouponRedemption(Base):
    """A use of a code. ``single_use_code`` is unique: the database itself lets a single-use code win once."""

    __tablename__ = "coupon_redemptions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    redemption_id: Mapped[str] = mapped_column(String(64), unique=True)
    coupon_id: Mapped[int] = mapped_column(ForeignKey("coupons.id"), index=True)
    single_use_code: Mapped[str | None] = mapped_column(String(32), unique=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    order_or_sale_id: Mapped[str] = mapped_column(String(64), index=True)
    amount: Mapped[int] = mapped_column(Integer)
    caller: Mapped[str] = mapped_column(String(24))
    status: Mapped[str] = mapped_column(String(10), default="redeemed")
    """``held`` (set aside for a sale in progress until ``expires_at``), ``redeemed`` or ``released``."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
