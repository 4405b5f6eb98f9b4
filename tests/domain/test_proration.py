"""Sharing yen and points in proportion: exact sums, no part off by a yen, returns that give back all."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from posapp.domain.points import points_returned, returned_goods_value
from posapp.domain.proration import prorate, share_of

weights = st.lists(st.integers(0, 1_000_000), min_size=1, max_size=12).filter(lambda w: sum(w) > 0)


def test_worked_split_goes_to_the_largest_remainders() -> None:
    # 10 × 1/3 each = 3.33…: the floors give 9, the one yen left goes to the first of the tied remainders.
    assert prorate(10, [1, 1, 1]) == [4, 3, 3]
    # 7 over 50 / 30 / 20 is 3.5 / 2.1 / 1.4: the yen left goes to the 0.5. 50 over 1 / 1 / 98 is
    # 0.5 / 0.5 / 49: to the first of the tied 0.5s.
    assert prorate(7, [50, 30, 20]) == [4, 2, 1]
    assert prorate(50, [1, 1, 98]) == [1, 0, 49]
    assert prorate(0, [0, 0]) == [0, 0]
    with pytest.raises(ValueError, match="over nothing"):
        prorate(5, [0, 0])
    with pytest.raises(ValueError, match="cannot prorate"):
        prorate(-1, [1])


@given(st.integers(0, 10**10), weights)
def test_parts_add_up_and_each_is_within_one_of_its_exact_share(whole: int, w: list[int]) -> None:
    parts = prorate(whole, w)
    assert sum(parts) == whole
    assert all(isinstance(part, int) and part >= 0 for part in parts)
    for part, weight in zip(parts, w, strict=True):
        assert abs(part - Fraction(whole * weight, sum(w))) < 1
    assert prorate(whole, w) == parts  # deterministic


@given(st.integers(0, 10**8), st.lists(st.integers(1, 10_000), min_size=1, max_size=10))
def test_shares_taken_step_by_step_add_up_to_the_whole(whole: int, steps: list[int]) -> None:
    of, done, given_so_far = sum(steps), 0, 0
    for step in steps:
        part = share_of(whole, done + step, of) - share_of(whole, done, of)
        assert abs(part - Fraction(whole * step, of)) < 1
        done, given_so_far = done + step, given_so_far + part
    assert given_so_far == whole


@given(
    st.lists(st.integers(1, 50_000), min_size=1, max_size=8),
    st.integers(0, 100_000),
    st.integers(0, 5_000),
    st.randoms(use_true_random=False),
)
def test_returning_everything_in_parts_gives_back_exactly_what_was_used(
    line_amounts: list[int], points_used: int, points_earned: int, rng: object
) -> None:
    paid = sum(line_amounts) - min(points_used, sum(line_amounts))
    used = sum(line_amounts) - paid
    net = prorate(paid, line_amounts)  # what each line paid, as the terminal stores it
    # Each line comes back in one to three returns, in a random order.
    order = [i for i in range(len(line_amounts)) for _ in range(rng.randint(1, 3))]  # type: ignore[attr-defined]
    rng.shuffle(order)  # type: ignore[attr-defined]
    refunded_by_line = [0] * len(line_amounts)
    pieces_left = [order.count(i) for i in range(len(line_amounts))]
    refunded = restored = taken_back = 0
    for i in order:
        pieces_left[i] -= 1
        refund = net[i] - refunded_by_line[i] if pieces_left[i] == 0 else (net[i] - refunded_by_line[i]) // 2
        refunded_by_line[i] += refund
        refunded += refund
        restored += points_returned(used, refunded=refunded, paid=paid, moved_before=restored)
        taken_back += points_returned(points_earned, refunded=refunded, paid=paid, moved_before=taken_back)
        assert restored <= used and taken_back <= points_earned
    assert refunded == paid
    assert (restored, taken_back) == (used, points_earned)


def test_a_sale_points_paid_in_full_gives_back_each_lines_part() -> None:
    sold = [("ONIGIRI", 1, 138), ("BATTERY", 1, 657)]  # ¥795 of goods, 795 points, ¥0 paid
    first = returned_goods_value(sold, {"ONIGIRI": 1})
    assert first == (138, 795)
    # Was all 795 on the first return: a ¥0 refund measured against ¥0 paid.
    assert points_returned(795, refunded=0, paid=0, moved_before=0, goods_returned=138, goods_sold=795) == 138
    both = returned_goods_value(sold, {"ONIGIRI": 1, "BATTERY": 1})
    assert (
        points_returned(795, refunded=0, paid=0, moved_before=138, goods_returned=both[0], goods_sold=both[1])
        == 657
    )
    # Something paid: the money measure as before, whatever the goods say.
    assert (
        points_returned(300, refunded=500, paid=1000, moved_before=0, goods_returned=1, goods_sold=1000)
        == 150
    )


@given(
    st.lists(st.tuples(st.integers(1, 5), st.integers(0, 20_000)), min_size=1, max_size=6),
    st.integers(1, 100_000),
    st.randoms(use_true_random=False),
)
def test_nothing_paid_returned_unit_by_unit_gives_back_its_share_and_then_everything(
    lines: list[tuple[int, int]], points: int, rng: object
) -> None:
    sold = [(f"SKU{i % 3}", quantity, amount) for i, (quantity, amount) in enumerate(lines)]  # SKUs repeat
    units = [sku for sku, quantity, _ in sold for _ in range(quantity)]
    rng.shuffle(units)  # type: ignore[attr-defined]
    so_far: dict[str, int] = {}
    restored = 0
    for sku in units:
        so_far[sku] = so_far.get(sku, 0) + 1
        worth, of = returned_goods_value(sold, so_far)
        restored += points_returned(points, refunded=0, paid=0, moved_before=restored,
                                    goods_returned=worth, goods_sold=of)  # fmt: skip
        if of:
            assert abs(restored - Fraction(points * worth, of)) < 1
    assert restored == points
