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

    LINE_AMOUNTS_DIFFER = (
        "line_amounts_differ"  # a line's or the subtotal's claim is not price × qty − discount
    )
    TOTAL_DIFFERS = (
        "total_differs"  # the claimed total is not what the lines add up to; the server's is stored
    )
    TAX_DIFFERS = "tax_differs"  # the claimed per-rate taxable or tax is not the server's
    POINTS_EARNED_DIFFER = (
        "points_earned_differ"  # the claim is not the points policy's figure; the policy's is credited
    )
    POINTS_TAKEN_BACK_DIFFER = (
        "points_taken_back_differ"  # a return took back another figure than the policy's
    )
    POINTS_OVERDRAFT = "points_overdraft"  # points spent offline beyond the balance
    OVERRIDE_UNAPPROVED = "override_unapproved"  # a price override without a store manager's approval
    DISCOUNT_UNAPPROVED = "discount_unapproved"  # a discount above the approval threshold without a manager
    VOID_TOTAL_DIFFERS = (
        "void_total_differs"  # a void claimed less than the sale; the sale's figures are reversed
    )
    NEGATIVE_STOCK = "negative_stock"  # the sale took stock below zero
    UNKNOWN_SKU = "unknown_sku"  # sold an item the server's catalog does not have (detail: the SKU)


def flag(reason: FlagReason, detail: str = "") -> str:
    """A flag as carried on the wire and stored: ``reason`` or ``reason:detail``."""
    return f"{reason.value}:{detail}" if detail else reason.value


def reason_of(value: str) -> FlagReason:
    """The reason of a stored flag (raises ``ValueError`` for a string that is not one)."""
    return FlagReason(value.split(":", 1)[0])


def ordered(flags: Iterable[str]) -> list[str]:
    """Flags once each in one order, whichever path and order found them (so both ingest paths agree)."""
    return sorted(set(flags))
