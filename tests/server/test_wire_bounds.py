"""Money and quantities on the wire have the bounds the domain allows (sync/protocol/events.py).

A device pushing an impossible figure — a negative or ¥0 tender, change given back from a card, an
unknown payment method, a return refunding a negative amount, a Z report whose over/short is not its
counted minus expected cash — is answered ``rejected`` with the field and the reason, the event lands
on the dead-letter list, and the rest of its batch is applied. What a real terminal sends (a sale
nothing is due on with no payment; a return of such a sale refunding ¥0) still goes through. Every
test pushes through the real ``/v1/sync/push`` endpoint, on SQLite and PostgreSQL, and sales on both
ingest paths.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from sync.server.sales.models import StoreSale
from tests.server.conftest import Api
from tests.server.terminal_events import Line, Till, careful_only, results
from tests.server.test_trust_rules import balance, level, paid_back, setup_store


@pytest.fixture(params=["bulk", "careful"])
def path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Which ingest path the sales take."""
    if request.param == "careful":
        careful_only(monkeypatch)
    return str(request.param)


def _pay(**sale: Any) -> Callable[[dict[str, Any]], None]:
    def tamper(payload: dict[str, Any]) -> None:
        payload.update(sale)

    return tamper


IMPOSSIBLE_SALES: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    # ¥1,000 due: ¥2,000 in cash and "−¥1,000 in cash" adds up, and would count as a cash refund.
    "negative cash": (_pay(payments=[{"kind": "cash", "amount": 2_000}, {"kind": "cash", "amount": -1_000}]),
                      "payments.1.amount"),
    "zero tender": (_pay(payments=[{"kind": "cash", "amount": 1_000}, {"kind": "card", "amount": 0}]),
                    "payments.1.amount"),
    "negative change": (_pay(payments=[{"kind": "cash", "amount": 500}], change=-500), "change"),
    "change from a card": (_pay(payments=[{"kind": "card", "amount": 1_500}], change=500),
                           "only cash can be tendered over the amount due"),
    "unknown tender": (_pay(payments=[{"kind": "bitcoin", "amount": 1_000}]), "payments.0.kind"),
    "card number kept": (_pay(payments=[{"kind": "card", "amount": 1_000, "reference": "4111 1111 1111 1111"}]),
                         "card number"),
    "over the register's limit": (_pay(payments=[{"kind": "cash", "amount": 10**10}], change=10**10 - 1_000),
                                  "payments.0.amount"),
    "negative total": (_pay(total=-1_000, payments=[{"kind": "cash", "amount": 1}], change=1_001), "total"),
    "negative line": (lambda p: p["lines"][0].update(amount=-1_000), "lines.0.amount"),
    "negative tax": (lambda p: p["by_rate"][0].update(tax=-90), "by_rate.0.tax"),
}  # fmt: skip


@pytest.mark.usefixtures("path")
@pytest.mark.parametrize("case", list(IMPOSSIBLE_SALES))
def test_a_sale_with_impossible_money_is_rejected_and_the_rest_of_its_batch_applied(
    api: Api, case: str
) -> None:
    device, till, _ = setup_store(api)
    tamper, words = IMPOSSIBLE_SALES[case]
    before = till.sale(Line("TEA", 138))
    bad = till.sale(Line("STD", 1_000))
    tamper(bad["payload"])
    after = till.sale(Line("PEN", 200))
    answers = results(api, device, [before, bad, after])
    assert [a["status"] for a in answers] == ["applied", "rejected", "applied"], answers
    assert words in answers[1]["detail"], answers[1]
    mine = api.client.get("/v1/sync/dead-letters", headers=device).json()
    assert [d["event_id"] for d in mine if words in d["detail"]] == [bad["id"]]
    with api.session() as session:
        assert session.get(StoreSale, bad["payload"]["sale_id"]) is None
    assert (level(api, "TEA"), level(api, "STD"), level(api, "PEN")) == (9, 10, 9)


@pytest.mark.usefixtures("path")
def test_what_real_terminals_pay_with_still_goes_through(api: Api) -> None:
    """Cash over the total with change, a split of card and cash, and a ¥0 sale with no payment."""
    device, till, _ = setup_store(api)
    api.products(
        {"sku": "FREE", "name": "試供品", "name_kana": "シキョウヒン", "price": 0, "tax_class": "standard"}
    )
    change = till.sale(Line("STD", 1_000), payments=[{"kind": "cash", "amount": 10_000}], change=9_000)
    split = till.sale(
        Line("STD", 1_000), payments=[{"kind": "card", "amount": 600, "reference": "A12345"},
                                      {"kind": "cash", "amount": 1_000}], change=600,
    )  # fmt: skip
    free = till.sale(Line("FREE", 0))
    assert free["payload"]["payments"] == []
    answers = results(api, device, [change, split, free])
    assert [a["status"] for a in answers] == ["applied"] * 3, answers


def test_a_return_refunding_a_negative_amount_is_rejected(api: Api) -> None:
    """Refunds are positive (the return's lines were stored with the sign turned: a negative refund
    was stored as money taken in)."""
    device, till, _ = setup_store(api)
    sale = till.sale(Line("STD", 1_000, 2))
    assert results(api, device, [sale])[0]["status"] == "applied"
    ret = till.return_(sale, {"STD": 1})
    payload = ret["payload"]
    payload["lines"][0]["amount"] = payload["total"] = payload["refunds"][0]["amount"] = -1_000
    payload["by_rate"] = [{"rate": 10, "taxable": -1_000, "tax": -90}]
    honest = till.return_(sale, {"STD": 1})
    answers = results(api, device, [ret, honest])
    assert [a["status"] for a in answers] == ["rejected", "applied"], answers
    assert "lines.0.amount" in answers[0]["detail"] and "total" in answers[0]["detail"]
    with api.session() as session:
        kinds = session.execute(select(StoreSale.kind, StoreSale.total).order_by(StoreSale.total)).all()
    assert [tuple(row) for row in kinds] == [("return", -1_000), ("sale", 2_000)]


def test_a_return_whose_refunds_are_not_its_total_is_rejected(api: Api) -> None:
    """¥50,000 paid out in cash for a ¥138 return would skew the drawer's expected cash."""
    device, till, _ = setup_store(api)
    sale = till.sale(Line("TEA", 138))
    assert results(api, device, [sale])[0]["status"] == "applied"
    ret = till.return_(sale, {"TEA": 1})
    ret["payload"]["refunds"] = [{"kind": "cash", "amount": 50_000}]
    [answer] = results(api, device, [ret])
    assert (
        answer["status"] == "rejected" and "refunds add up to ¥50000, not the total ¥138" in answer["detail"]
    )
    assert level(api, "TEA") == 9


def test_a_return_of_a_sale_points_paid_for_refunds_zero_yen_and_is_applied(api: Api) -> None:
    """The terminal refunds ¥0 (a ¥0 refund tender) for goods nothing was paid for: legitimate."""
    device, till, member = setup_store(api)
    api.give_points(member["id"], 500)
    sale = till.sale(Line("TEA", 138), member=member["member_no"], points_used=138)
    assert sale["payload"]["payments"] == [] and sale["payload"]["total"] == 0
    assert results(api, device, [sale])[0]["status"] == "applied"
    ret = paid_back(till.return_(sale, {"TEA": 1}), 0, points_restored=138, points_taken_back=0)
    assert ret["payload"]["refunds"] == [{"kind": "cash", "amount": 0}]
    assert results(api, device, [ret])[0] == {"id": ret["id"], "status": "applied", "detail": "", "flags": []}
    assert balance(api, member["id"]) == 500


def _closing(till: Till, **figures: Any) -> dict[str, Any]:
    now = datetime.now(UTC).isoformat()
    payload = {
        "closing_no": 1, "closed_at": now, "business_day": now[:10], "clerk_code": "9001",
        "gross_sales": 2_051, "net_sales": 2_051, "expected_cash": 32_051, "counted_cash": 32_000,
        "over_short": -51, "next_float": 30_000, **figures,
    }  # fmt: skip
    return till.envelope("day.closed", payload)


def _stock(till: Till, **fields: Any) -> dict[str, Any]:
    now = datetime.now(UTC).isoformat()
    payload = {"adjustment_id": f"adj-{till.seq}", "sku": "TEA", "delta": 5, "reason": "received",
               "clerk_code": "9001", "at": now, **fields}  # fmt: skip
    return till.envelope("stock.adjusted", payload)


IMPOSSIBLE_FACTS: dict[str, tuple[Callable[[Till], dict[str, Any]], str]] = {
    "negative counted cash": (lambda t: _closing(t, counted_cash=-32_000, over_short=-64_051), "counted_cash"),
    "over/short not counted − expected": (lambda t: _closing(t, over_short=1_000_000),
                                          "over_short must be counted_cash − expected_cash"),
    "negative next float": (lambda t: _closing(t, next_float=-30_000), "next_float"),
    "negative gross sales": (lambda t: _closing(t, gross_sales=-2_051), "gross_sales"),
    "stock moved by nothing": (lambda t: _stock(t, delta=0, reason="counted"), "delta"),
    "goods received taken away": (lambda t: _stock(t, delta=-5), "goods received are a positive delta"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(IMPOSSIBLE_FACTS))
def test_closings_and_stock_moves_with_impossible_figures_are_rejected(api: Api, case: str) -> None:
    device, till, _ = setup_store(api)
    make, words = IMPOSSIBLE_FACTS[case]
    bad = make(till)
    good = _closing(till) if bad["kind"] == "day.closed" else _stock(till)
    answers = results(api, device, [bad, good])
    assert [a["status"] for a in answers] == ["rejected", "applied"], answers
    assert words in answers[0]["detail"], answers[0]
    mine = api.client.get("/v1/sync/dead-letters", headers=device).json()
    assert [d["event_id"] for d in mine] == [bad["id"]]


def test_a_void_claiming_a_negative_total_is_rejected(api: Api) -> None:
    device, till, _ = setup_store(api)
    sale = till.sale(Line("TEA", 138))
    assert results(api, device, [sale])[0]["status"] == "applied"
    [answer] = results(api, device, [till.void(sale, total=-138)])
    assert answer["status"] == "rejected" and "total" in answer["detail"]
    with api.session() as session:
        assert (
            session.scalar(select(func.count()).select_from(StoreSale).where(StoreSale.kind == "void")) == 0
        )
