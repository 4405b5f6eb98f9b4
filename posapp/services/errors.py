"""Errors of the Terminal API: each has a message key the window translates for the cashier."""

from __future__ import annotations

from posapp.domain.errors import DomainError


class NotSignedIn(DomainError):
    """Nobody is signed in at this terminal."""

    message_key = "error.clerk.not_signed_in"


class SignInFailed(DomainError):
    """Unknown clerk code or wrong PIN (the two are not told apart, on purpose)."""

    message_key = "error.clerk.sign_in_failed"


class ClerkLocked(DomainError):
    """Too many wrong PINs: the clerk must wait before trying again."""

    message_key = "error.clerk.locked"


class ApprovalRequired(DomainError):
    """This action needs a manager's code and PIN."""

    message_key = "error.approval.required"


class ApprovalRefused(DomainError):
    """The approver is not a manager, or their PIN was wrong."""

    message_key = "error.approval.refused"


class UnknownProduct(DomainError):
    """The scanned or typed code matches no product in the catalog."""

    message_key = "error.product.unknown"


class UnknownCustomer(DomainError):
    """No member with that number, phone or name is known here."""

    message_key = "error.customer.unknown"


class ReceiptNotFound(DomainError):
    """No sale with that receipt number was made at this terminal."""

    message_key = "error.receipt.not_found"


class SaleNotReturnable(DomainError):
    """The sale was voided, already returned, or the quantities exceed what was sold."""

    message_key = "error.receipt.not_returnable"


class NotConfigured(DomainError):
    """The terminal has not been paired with a store yet."""

    message_key = "error.terminal.not_configured"


class InvalidCashMovement(DomainError):
    """A cash in/out amount is zero, negative or absurd."""

    message_key = "error.cash.invalid"


class PeriodAlreadyClosed(DomainError):
    """A Z report already closed this business day, or nothing happened since the last one."""

    message_key = "error.closing.already_closed"
