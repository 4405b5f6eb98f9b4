"""Store and terminal settings, declared once with their defaults, stored as rows of ``settings``.

The server sends the store's settings down the change feed; the terminal's own (its code, its
printer) are set at pairing. Reading never fails: a missing key gives the declared default.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from posapp.domain.points import EarnBase, EarnScope, PointsPolicy
from posapp.domain.tax import Pricing, Rounding, TaxPolicy
from posapp.store.models import Setting


@dataclass(frozen=True, slots=True)
class TerminalSettings:
    """Everything a sale needs to know about its store and terminal."""

    store_code: str = ""
    store_name: str = ""
    registration_number: str = ""
    timezone: str = "Asia/Tokyo"
    address: str = ""
    phone: str = ""
    terminal_code: str = "01"
    server_url: str = ""
    device_id: str = ""
    language: str = "ja"
    printer: str = ""
    tax_rounding: str = Rounding.DOWN.value
    price_limit: int = 1_000_000
    points_unit: int = 100
    points_base: str = EarnBase.AFTER_TAX.value
    points_scope: str = EarnScope.BASKET.value
    points_paid_part_earns: bool = False
    offline_points_allowed: bool = True
    offline_points_cap: int = 1_000
    approval_discount_percent: int = 20
    footer_messages: tuple[str, ...] = ("お買い上げありがとうございます",)
    lookup_timeout_seconds: float = 1.5
    """Seconds a look-up on the server (members, history, contacts, stock) waits before the counter
    shows what this terminal has cached."""
    server_call_timeout_seconds: float = 3.0
    """Seconds a call with no cached answer (coupons, points holds, web-order pickups, interests,
    contact notes) waits before the cashier is told the server cannot be reached."""
    printer_status_timeout_seconds: float = 1.5
    """Seconds a printer status query (``DLE EOT``) waits: the status bar only needs to know."""

    def tax_policy(self) -> TaxPolicy:
        """The tax policy of the store (prices are tax-inclusive in Japan)."""
        return TaxPolicy(pricing=Pricing.INCLUSIVE, rounding=Rounding(self.tax_rounding))

    def points_policy(self) -> PointsPolicy:
        """The earn rule of the shared points programme."""
        return PointsPolicy(
            unit=self.points_unit,
            base=EarnBase(self.points_base),
            scope=EarnScope(self.points_scope),
            points_paid_part_earns=self.points_paid_part_earns,
        )


_FIELDS = {field.name: field for field in fields(TerminalSettings)}


def load_settings(session: Session) -> TerminalSettings:
    """The settings stored in the database, defaults for the rest; unknown keys are ignored."""
    values: dict[str, Any] = {}
    for row in session.scalars(select(Setting)):
        if row.key in _FIELDS:
            values[row.key] = tuple(row.value) if isinstance(row.value, list) else row.value
    return TerminalSettings(**values)


def save_settings(session: Session, **changes: Any) -> None:
    """Store ``changes`` (known keys only) in the session's transaction."""
    for key, value in changes.items():
        if key not in _FIELDS:
            raise KeyError(f"unknown setting {key!r}")
        stored = list(value) if isinstance(value, tuple) else value
        row = session.get(Setting, key)
        if row is None:
            session.add(Setting(key=key, value=stored))
        else:
            row.value = stored
