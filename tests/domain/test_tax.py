"""Consumption tax: the worked examples of domain-jp.md §1 and properties of the per-rate rounding."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from posapp.domain.tax import (
    Pricing,
    Rounding,
    TaxClass,
    TaxPolicy,
    divide,
    rate_for,
    rate_totals,
    split_across_rates,
    tax_added_to,
    tax_included_in,
)


def test_inclusive_worked_example_rounds_once_per_rate() -> None:
    totals = rate_totals({8: 138 * 3 + 151 + 213, 10: 398 + 657 + 218}, TaxPolicy())
    assert [(t.rate, t.taxable, t.tax) for t in totals] == [(10, 1273, 115), (8, 778, 57)]


def test_per_line_rounding_would_give_the_wrong_answer() -> None:
    per_line_8 = sum(tax_included_in(p, 8) for p in (414, 151, 213))
    per_line_10 = sum(tax_included_in(p, 10) for p in (398, 657, 218))
    assert (per_line_8, per_line_10) == (56, 114)
    assert (tax_included_in(778, 8), tax_included_in(1273, 10)) == (57, 115)


@pytest.mark.parametrize(("rounding", "due"), [(Rounding.DOWN, 1464), (Rounding.UP, 1466)])
def test_exclusive_worked_example(rounding: Rounding, due: int) -> None:
    policy = TaxPolicy(pricing=Pricing.EXCLUSIVE, rounding=rounding)
    totals = rate_totals({8: 198 * 2 + 238 + 159, 10: 125 * 3 + 89 * 2}, policy)
    assert [t.taxable for t in totals] == [553, 793]
    if rounding is Rounding.DOWN:
        assert [t.tax for t in totals] == [55, 63]
    assert sum(t.gross for t in totals) == due


def test_half_up_rounds_halves_up() -> None:
    assert divide(5, 10, Rounding.HALF_UP) == 1
    assert divide(4, 10, Rounding.HALF_UP) == 0
    assert tax_added_to(105, 10, Rounding.HALF_UP) == 11  # 10.5 -> 11


def test_eat_in_makes_food_standard_rated() -> None:
    assert rate_for(TaxClass.REDUCED) == 8
    assert rate_for(TaxClass.REDUCED, eat_in=True) == 10
    assert rate_for(TaxClass.STANDARD) == 10


def test_worked_discount_split() -> None:
    # 300 × 778 / 2,051 = 113.8 → 114 (the largest remainder), 300 × 1,273 / 2,051 = 186.2 → 186.
    assert split_across_rates(300, {8: 778, 10: 1273}) == {8: 114, 10: 186}


amounts = st.dictionaries(st.sampled_from([8, 10]), st.integers(0, 10_000_000), min_size=1)


@given(amounts, st.data())
def test_split_discount_adds_up_and_never_exceeds_a_rate(
    by_rate: dict[int, int], data: st.DataObject
) -> None:
    total = sum(by_rate.values())
    discount = data.draw(st.integers(0, total))
    shares = split_across_rates(discount, by_rate)
    assert sum(shares.values()) == discount
    for rate, share in shares.items():
        assert 0 <= share <= by_rate[rate]


@given(st.integers(0, 100_000_000), st.sampled_from([8, 10]), st.sampled_from(list(Rounding)))
def test_tax_is_never_negative_and_never_more_than_the_rate_allows(
    amount: int, rate: int, rounding: Rounding
) -> None:
    inside = tax_included_in(amount, rate, rounding)
    on_top = tax_added_to(amount, rate, rounding)
    assert 0 <= inside <= amount
    assert on_top >= 0
    # exact rational bounds: rounding moves the tax by less than one yen
    assert abs(inside * (100 + rate) - amount * rate) < 100 + rate
    assert abs(on_top * 100 - amount * rate) < 100
