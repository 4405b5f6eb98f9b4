"""Qualified-invoice registration numbers, checked by the domain rule the receipts print."""

from __future__ import annotations

from posapp.domain.registration import validate_registration_number


def validate(text: str) -> tuple[str, list[str]]:
    """The normalised number and warnings; raises ``InvalidRegistrationNumber`` when malformed."""
    normalised, warnings = validate_registration_number(text)
    return normalised, [str(warning) for warning in warnings]
