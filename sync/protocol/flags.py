"""Why the server flagged an applied event: the reasons a terminal's push result and HQ's list carry.

A flag says "this happened and was stored, with the server's figures, but a person should look".
Each is ``reason`` or ``reason:detail`` (``unknown_sku:4901234567894``); the reason is one of
``FlagReason``. What the server refuses outright is not a flag but a dead letter (see docs/sync.md,
"Trust model").
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class FlagReason(StrEnum):
    """Why an applied event needs a person's attention."""

    # A line's amount or rate, or the subtotal, is not price × quantity − discount at the class's rate.
    LINE_AMOUNTS_DIFFER = "line_amounts_differ"
    # The claimed total (or points discount) is not what the lines add up to; the server's is stored.
    TOTAL_DIFFERS = "total_differs"
    # The claimed per-rate taxable or tax is not the server's.
    TAX_DIFFERS = "tax_differs"
    # The claimed points earned are not the policy's; the policy's are credited.
    POINTS_EARNED_DIFFER = "points_earned_differ"
    # A return took back another number of points than the policy's share; the share is taken back.
    POINTS_TAKEN_BACK_DIFFER = "points_taken_back_differ"
    # Points spent offline beyond the balance.
    POINTS_OVERDRAFT = "points_overdraft"
    # A price override without a store manager's approval.
    OVERRIDE_UNAPPROVED = "override_unapproved"
    # A discount above the approval threshold without a store manager's approval.
    DISCOUNT_UNAPPROVED = "discount_unapproved"
    # A void claimed less than its sale; the sale's figures are reversed.
    VOID_TOTAL_DIFFERS = "void_total_differs"
    # A void claimed other points than its sale's; the sale's ledger entries are reversed.
    VOID_POINTS_DIFFER = "void_points_differ"
    # The sale took stock below zero.
    NEGATIVE_STOCK = "negative_stock"
    # Sold an item the server's catalog does not have (detail: the SKU).
    UNKNOWN_SKU = "unknown_sku"
    # The sale's single-use coupon was used elsewhere first (its hold expired, or it was taken offline).
    COUPON_CONFLICT = "coupon_conflict"
    # The sale's coupon is unknown, not valid for it, or claims more than it was held for (detail: why).
    COUPON_REFUSED = "coupon_refused"


def flag(reason: FlagReason, detail: str = "") -> str:
    """A flag as carried on the wire and stored: ``reason`` or ``reason:detail``."""
    return f"{reason.value}:{detail}" if detail else reason.value


def reason_of(value: str) -> FlagReason:
    """The reason of a stored flag (raises ``ValueError`` for a string that is not one)."""
    return FlagReason(value.split(":", 1)[0])


def ordered(flags: Iterable[str]) -> list[str]:
    """Flags once each in one order, whichever path and order found them (so both ingest paths agree)."""
    return sorted(set(flags))
