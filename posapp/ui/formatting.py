"""How money, times and points look on screen."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from posapp.domain.money import format_yen
from posapp.domain.tender import TenderKind, tender_name
from posapp.ui.i18n import current_language, tr


def yen(amount: int) -> str:
    """``¥1,234`` (minus sign before the yen mark for refunds), as receipts print it."""
    return format_yen(amount)


def points(value: int) -> str:
    """``1,240 pt``."""
    return f"{value:,} pt"


def local_time(at: datetime | None, zone: str, fmt: str = "%H:%M") -> str:
    """``at`` in the store's time zone, or a dash when unknown."""
    if at is None:
        return "—"
    return at.astimezone(ZoneInfo(zone)).strftime(fmt)


WEEKDAYS = ("月", "火", "水", "木", "金", "土", "日")
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def clock_text(now: datetime, zone: str, language: str) -> str:
    """``2026/11/22(日) 14:05`` (``Sun`` in English)."""
    local = now.astimezone(ZoneInfo(zone))
    names = WEEKDAYS if language == "ja" else WEEKDAYS_EN
    return f"{local:%Y/%m/%d}({names[local.weekday()]}) {local:%H:%M}"


def parse_amount(text: str) -> int | None:
    """Digits typed on a keypad or keyboard as yen; ``None`` when there are none."""
    digits = "".join(c for c in text if c.isdigit())
    return int(digits) if digits else None


def rank_text(rank: str) -> str:
    """The member rank in the current language."""
    names = {"gold": tr("ゴールド"), "silver": tr("シルバー"), "bronze": tr("ブロンズ"), "": tr("一般")}
    return names.get(rank.lower(), rank)


def tender_text(kind: TenderKind | str) -> str:
    """A payment method's name in the screen's language (the same name its receipt prints)."""
    return tender_name(kind, current_language())
