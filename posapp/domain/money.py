"""Money is an ``int`` of yen, always; this module formats and parses it."""

from __future__ import annotations

import unicodedata

from posapp.domain.errors import InvalidPrice

Yen = int

MAX_AMOUNT: Yen = 99_999_999
"""No single amount on a register goes past eight digits; anything larger is a typing or scanning slip."""


def format_yen(amount: Yen) -> str:
    """``¥1,234`` (minus sign before the symbol for negatives); the same in English and Japanese."""
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise TypeError(f"money must be int yen, got {type(amount).__name__}")
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,}"


def parse_yen(text: str, *, limit: Yen = MAX_AMOUNT) -> Yen:
    """Parse what a clerk typed (``1,234``, ``¥1234``, full-width digits) into yen; refuse anything else."""
    cleaned = unicodedata.normalize("NFKC", text).strip().replace(",", "").replace("¥", "").replace("円", "")
    cleaned = cleaned.replace("\\", "").strip()
    if not cleaned.isascii() or not cleaned.isdigit():
        raise InvalidPrice(f"not an amount of yen: {text!r}", value=text)
    amount = int(cleaned)
    if amount > limit:
        raise InvalidPrice(f"amount {amount} is over the limit {limit}", value=amount, limit=limit)
    return amount
