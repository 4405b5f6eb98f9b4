"""JAN (EAN-13/EAN-8/UPC-A) validation through posapp.domain.barcodes when it is present."""

from __future__ import annotations


def ean_check_digit(body: str) -> int:
    """The mod-10 check digit for the digits of ``body`` (weights 3,1,3,… from the right)."""
    try:
        from posapp.domain.barcodes import ean_check_digit as domain_check_digit
    except ImportError:  # the domain module is arriving from another engineer
        total = sum(
            int(digit) * (3 if position % 2 == 0 else 1) for position, digit in enumerate(reversed(body))
        )
        return (10 - total % 10) % 10
    return int(domain_check_digit(body))


def check_jan(value: str) -> str:
    """Accept an empty string (no JAN) or 8/12/13 digits with a right check digit."""
    if value == "":
        return value
    if not value.isascii() or not value.isdigit() or len(value) not in (8, 12, 13):
        raise ValueError("a JAN is 8 or 13 digits (or a 12-digit UPC-A)")
    if ean_check_digit(value[:-1]) != int(value[-1]):
        raise ValueError("the JAN check digit is wrong")
    return value
