"""JAN (EAN-13/EAN-8/UPC-A) validation for product imports, by the same rule the terminals scan with."""

from __future__ import annotations

from posapp.domain.barcodes import ean_check_digit


def check_jan(value: str) -> str:
    """Accept an empty string (no JAN) or 8/12/13 digits with a right check digit."""
    if value == "":
        return value
    if not value.isascii() or not value.isdigit() or len(value) not in (8, 12, 13):
        raise ValueError("a JAN is 8 or 13 digits (or a 12-digit UPC-A)")
    if ean_check_digit(value[:-1]) != value[-1]:
        raise ValueError("the JAN check digit is wrong")
    return value
