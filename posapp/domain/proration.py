"""Sharing a whole number of yen or points in proportion, exactly: the one rounding every split uses.

Basket discounts across tax rates, a sale's payment across its lines (what a refund gives back),
points earned per line, and the points a return gives back or takes back are all shared here: by the
largest remainder, in integers, so the parts always add up to the whole and none is off by a yen.
"""

from __future__ import annotations

from collections.abc import Sequence


def prorate(whole: int, weights: Sequence[int]) -> list[int]:
    """Split ``whole`` (≥ 0) in proportion to ``weights`` (≥ 0): each part is the floor of its exact
    share, and the yen left over go one each to the largest remainders (ties to the earlier weight).

    The parts add up to ``whole`` exactly and each is within 1 of its exact share. All-zero weights
    share nothing: ``whole`` must then be 0.
    """
    if whole < 0 or any(weight < 0 for weight in weights):
        raise ValueError(f"cannot prorate {whole} over {list(weights)}")
    total = sum(weights)
    if total == 0:
        if whole:
            raise ValueError(f"cannot prorate {whole} over nothing")
        return [0] * len(weights)
    floors_and_rests = [divmod(whole * weight, total) for weight in weights]
    parts = [floor for floor, _ in floors_and_rests]
    left = whole - sum(parts)
    by_rest = sorted(range(len(parts)), key=lambda i: (-floors_and_rests[i][1], i))
    for i in by_rest[:left]:
        parts[i] += 1
    return parts


def share_of(whole: int, part: int, of: int) -> int:
    """The share of ``whole`` that ``part`` out of ``of`` carries (``prorate`` of the two sides).

    Used cumulatively (what ``done + more`` carries, less what ``done`` carried) the steps add up to
    ``whole`` once ``part`` reaches ``of``, each within 1 of its exact share. ``of == 0``: all of it.
    """
    if of == 0:
        return whole
    if not 0 <= part <= of:
        raise ValueError(f"{part} is not part of {of}")
    return prorate(whole, (part, of - part))[0]
