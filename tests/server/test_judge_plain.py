"""The bulk path's cheaper recomputation (``figures.judge_plain_sale``) is ``judge_sale``, exactly.

Hypothesis writes sales a terminal could send, honest or not (impossible lines, discounts beyond
their base, points beyond what is left, unknown tax classes, lying claims), under every tax policy;
both functions must give the same figures and flags, or raise the same error.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from hypothesis import event, given, settings
from hypothesis import strategies as st

from posapp.domain.errors import DomainError
from posapp.domain.tax import Pricing, Rounding, TaxPolicy
from sync.protocol.events import SaleCompleted
from sync.server.syncfeed import figures

MANAGERS = frozenset({"9001"})


def line_parts(odd: bool) -> st.SearchStrategy[tuple[Any, ...]]:
    """A line's parts; ``odd``: sometimes just beyond what the cart takes (price, quantity, discount, class)."""
    return st.tuples(
        st.sampled_from(["A", "B", "C"]),
        st.one_of(st.integers(0, 3_000), st.sampled_from([99_999_999, 100_000_000]))
        if odd
        else st.integers(0, 3_000),  # unit price
        st.one_of(st.integers(1, 5), st.sampled_from([999, 1_000])) if odd else st.integers(1, 5),
        st.one_of(st.just(0), st.integers(0, 400)) if odd else st.one_of(st.just(0), st.integers(0, 100)),
        st.sampled_from(["standard", "reduced", "zero"] if odd else ["standard", "reduced"]),
        st.integers(-1, 1),  # how far the claimed amount is off
        st.sampled_from([8, 10, 10, 0]),  # the claimed rate
        st.booleans(),  # price overridden
    )


@st.composite
def sales(draw: st.DrawFn) -> SaleCompleted:
    lines = [
        (sku, price, quantity if price <= 3_000 else 1, *rest)  # every figure within the payload's bounds
        for sku, price, quantity, *rest in draw(
            st.lists(line_parts(draw(st.booleans())), min_size=1, max_size=5)
        )
    ]
    sold = [
        {"line_no": i + 1, "sku": sku, "name": f"商品{sku}", "quantity": quantity, "unit_price": price,
         "discount": discount, "amount": max(price * quantity - discount + off, 0), "tax_class": tax_class,
         "rate": rate, "price_overridden": overridden}
        for i, (sku, price, quantity, discount, tax_class, off, rate, overridden) in enumerate(lines)
    ]  # fmt: skip
    subtotal = sum(line["amount"] for line in sold)
    basket = draw(
        st.one_of(st.just(0), st.integers(0, max(subtotal, 0)), st.integers(-5, max(subtotal, 0) + 5))
    )
    points = draw(
        st.one_of(
            st.just(0),
            st.integers(0, max(subtotal - basket, 0)),
            st.integers(0, max(subtotal - basket, 0) + 5),
        )
    )
    total = max(subtotal - basket - points + draw(st.sampled_from([0, 0, 1, -1])), 0)
    rates = sorted({line["rate"] for line in sold}, reverse=True)
    payload: dict[str, Any] = {
        "sale_id": "s1", "receipt_no": "S001-01-000001", "business_day": date(2026, 12, 3),
        "sold_at": datetime(2026, 12, 3, 10, tzinfo=UTC), "clerk_code": "1001",
        "eat_in": draw(st.booleans()), "lines": sold,
        "by_rate": [{"rate": r, "taxable": draw(st.integers(0, 5_000)), "tax": draw(st.integers(0, 500))}
                    for r in rates],
        "subtotal": subtotal + draw(st.sampled_from([0, 0, 1])),
        "discount": max(basket + sum(line["discount"] for line in sold), 0),
        "points_discount": points + draw(st.sampled_from([0, 0, 1])),
        "total": total, "payments": [{"kind": "cash", "amount": min(total - part, 90_000_000)} for part in range(0, total, 90_000_000)],
        "points_used": points, "points_earned": draw(st.integers(0, 60)),
        "approvals": draw(st.lists(st.builds(dict, action=st.sampled_from(["price_override", "line_discount",
                          "basket_discount"]), manager_code=st.sampled_from(["9001", "1001"])), max_size=2)),
    }  # fmt: skip
    if draw(st.booleans()) and total > 0:
        payload["coupon"] = {"code": "C1", "redemption_id": "r1", "discount": draw(st.integers(1, 50))}
    return SaleCompleted.model_validate(payload)


policies = st.builds(
    TaxPolicy, pricing=st.sampled_from(list(Pricing)), rounding=st.sampled_from(list(Rounding))
)


def outcome(judge: Any, sale: SaleCompleted, tax: TaxPolicy, member: bool) -> Any:
    try:
        return judge(sale, tax=tax, member=member, managers=MANAGERS)
    except (DomainError, ValueError) as error:
        return type(error), str(error)


@settings(max_examples=600, deadline=None)
@given(sale=sales(), tax=policies, member=st.booleans())
def test_plain_judge_is_the_careful_judge(sale: SaleCompleted, tax: TaxPolicy, member: bool) -> None:
    assert outcome(figures.judge_plain_sale, sale, tax, member) == outcome(
        figures.judge_sale, sale, tax, member
    )
    plain = figures.plain_totals(sale, tax)
    event("totalled without the cart" if plain is not None else "through the cart")
    if plain is not None:
        assert plain[0] == figures.sale_totals(sale, tax)


def test_an_ordinary_sale_is_totalled_without_the_cart() -> None:
    sale = SaleCompleted.model_validate(
        {"sale_id": "s1", "receipt_no": "S001-01-000001", "business_day": "2026-12-03",
         "sold_at": "2026-12-03T10:00:00+09:00", "clerk_code": "1001", "member_no": "M1", "eat_in": False,
         "lines": [{"line_no": 1, "sku": "TEA", "name": "お茶", "quantity": 2, "unit_price": 138, "discount": 20,
                    "amount": 256, "tax_class": "reduced", "rate": 8},
                   {"line_no": 2, "sku": "PEN", "name": "ペン", "quantity": 1, "unit_price": 200, "amount": 200,
                    "tax_class": "standard", "rate": 10}],
         "by_rate": [{"rate": 10, "taxable": 190, "tax": 17}, {"rate": 8, "taxable": 244, "tax": 18}],
         "subtotal": 456, "discount": 42, "points_used": 0, "total": 434,
         "payments": [{"kind": "cash", "amount": 500}], "change": 66, "points_earned": 4}
    )  # fmt: skip
    plain = figures.plain_totals(sale, TaxPolicy())
    assert plain is not None and plain[0] == figures.sale_totals(sale, TaxPolicy())
    assert plain[1] == [8, 10]
    verdict = figures.judge_plain_sale(sale, tax=TaxPolicy(), member=True, managers=MANAGERS)
    assert verdict == figures.judge_sale(sale, tax=TaxPolicy(), member=True, managers=MANAGERS)
    assert verdict.total == 434 and verdict.points_earned == 4
