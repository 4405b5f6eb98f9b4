"""Domain errors: each carries a message key for translation and the offending value."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule of the shop was broken; the UI shows ``message_key`` translated, the server maps it to 4xx."""

    message_key: str = "error.domain"

    def __init__(self, detail: str = "", *, value: Any = None, **params: Any) -> None:
        super().__init__(detail or self.message_key)
        self.detail = detail or self.message_key
        self.value = value
        self.params = params


class InvalidBarcode(DomainError):
    """A scanned code is malformed or its check digit is wrong."""

    message_key = "error.barcode.invalid"


class InvalidRegistrationNumber(DomainError):
    """A qualified-invoice registration number is not ``T`` followed by 13 digits."""

    message_key = "error.registration_number.invalid"


class InvalidQuantity(DomainError):
    """A quantity is zero, negative or absurdly large."""

    message_key = "error.quantity.invalid"


class InvalidPrice(DomainError):
    """A price is negative or above the store's limit."""

    message_key = "error.price.invalid"


class InvalidDiscount(DomainError):
    """A discount is negative, over 100 % or larger than what it discounts."""

    message_key = "error.discount.invalid"


class InvalidTender(DomainError):
    """A tender is malformed (non-positive amount, card number given, overpay in non-cash)."""

    message_key = "error.tender.invalid"


class InsufficientTender(DomainError):
    """Less was tendered than is due."""

    message_key = "error.tender.insufficient"


class InsufficientPoints(DomainError):
    """More points were asked for than the balance or the cap allows."""

    message_key = "error.points.insufficient"


class EmptyCart(DomainError):
    """A sale cannot be completed with no lines."""

    message_key = "error.cart.empty"


class LineNotFound(DomainError):
    """The cart has no line with that index."""

    message_key = "error.cart.line_not_found"
