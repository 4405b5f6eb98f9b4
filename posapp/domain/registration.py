"""Qualified-invoice registration numbers (適格請求書発行事業者登録番号): ``T`` + 13 digits.

For a company the 13 digits are its corporate number, whose first digit checks the other twelve.
A malformed number is refused; a failed check digit only warns, because a sole proprietor's number
is not a corporate number and carries no such check.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

from posapp.domain.errors import InvalidRegistrationNumber

_SHAPE = re.compile(r"^T[0-9]{13}$")


class RegistrationWarning(StrEnum):
    """Something odd about a well-formed registration number."""

    CHECK_DIGIT = "check digit does not match a corporate number"


def corporate_check_digit(twelve_digits: str) -> int:
    """``9 − (Σ Pn·Qn mod 9)`` with Pn the n-th digit from the right and Qn = 1 (odd n) or 2 (even n)."""
    total = sum(int(d) * (1 if n % 2 else 2) for n, d in enumerate(reversed(twelve_digits), start=1))
    return 9 - total % 9


def parse_registration_number(text: str) -> str:
    """The canonical ``T`` + 13 digits; raises ``InvalidRegistrationNumber`` when malformed."""
    cleaned = unicodedata.normalize("NFKC", text).strip().upper().replace("-", "").replace(" ", "")
    if not _SHAPE.match(cleaned):
        raise InvalidRegistrationNumber("a registration number is T followed by 13 digits", value=text)
    return cleaned


def validate_registration_number(text: str) -> tuple[str, list[RegistrationWarning]]:
    """The canonical number and any warnings (a failed corporate check digit)."""
    number = parse_registration_number(text)
    warnings = []
    if corporate_check_digit(number[2:]) != int(number[1]):
        warnings.append(RegistrationWarning.CHECK_DIGIT)
    return number, warnings
