"""Qualified-invoice registration numbers, through posapp.domain.registration when it is present."""

from __future__ import annotations

import re
import unicodedata

from posapp.domain.errors import InvalidRegistrationNumber


def validate(text: str) -> tuple[str, list[str]]:
    """The normalised number and warnings; raises ``InvalidRegistrationNumber`` when malformed."""
    try:
        from posapp.domain.registration import validate_registration_number
    except ImportError:  # the domain module is arriving from another engineer
        return _fallback_validate(text)
    normalised, warnings = validate_registration_number(text)
    return normalised, [str(warning) for warning in warnings]


def _fallback_validate(text: str) -> tuple[str, list[str]]:
    cleaned = unicodedata.normalize("NFKC", text).strip().upper().replace("-", "").replace(" ", "")
    if not re.fullmatch(r"T[0-9]{13}", cleaned):
        raise InvalidRegistrationNumber("a registration number is T followed by 13 digits", value=text)
    digits = [int(char) for char in cleaned[2:]]
    total = sum(digit * (1 if n % 2 else 2) for n, digit in enumerate(reversed(digits), start=1))
    warnings = [] if int(cleaned[1]) == 9 - total % 9 else ["check digit does not match"]
    return cleaned, warnings
