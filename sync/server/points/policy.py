"""The chain's points policy, versioned: the server's rule for what a sale earns (a terminal's figure is a claim).

A sale is judged by the version in force when it happened (``sold_at``), so a change of the rule
never rewrites what earlier sales earned, and a sale pushed days late earns what it earned at the till.
Add a version at the end with the moment it takes effect; never edit one that is in force.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from posapp.domain.cart import CartTotals
from posapp.domain.points import PointsPolicy, points_earned

APPROVAL_DISCOUNT_PERCENT = 20
"""A line or basket discount above this share of what it discounts needs a manager (the terminals' default)."""


@dataclass(frozen=True, slots=True)
class PolicyVersion:
    """One version of the earn rule and the moment it took effect."""

    version: int
    since: datetime
    earn: PointsPolicy


VERSIONS: tuple[PolicyVersion, ...] = (
    # 1 pt per ¥100 paid in money, tax included, per basket (what every terminal ships with).
    PolicyVersion(version=1, since=datetime(2000, 1, 1, tzinfo=UTC), earn=PointsPolicy()),
)


def policy_at(at: datetime) -> PolicyVersion:
    """The version in force at ``at`` (the first one for anything older)."""
    current = VERSIONS[0]
    for candidate in VERSIONS[1:]:
        if candidate.since <= at:
            current = candidate
    return current


def earned(totals: CartTotals, *, at: datetime, member: bool) -> int:
    """What a sale with ``totals`` earns under the policy of ``at``; nothing without a member."""
    return points_earned(totals, policy_at(at).earn) if member else 0
