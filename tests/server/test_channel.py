"""Online orders: the worked example to the yen, idempotency, points, cancellation, availability."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from posapp.domain.cart import Cart, CartLine, LineMerge
from posapp.domain.tax import TaxClass
from sync.server.channel.models import OnlineOrder
from sync.server.points import service as points_service
from sync.server.points.models import PointsEntry
from tests.server.conftest import Api, product

WORKED_EXAMPLE = [  # domain-jp.md §1, inclusive prices
    ("F1", 138, 3, "reduced"),
    ("F2", 151, 1, "reduced"),
    ("F3", 213, 1, "reduced"),
    ("G1", 398, 1, "standard"),
    ("G2", 657, 1, "standard"),
    ("G3", 218, 1, "standard"),
]


def _catalogue(api: Api) -> None:
    api.products(*(product(sku, price, tax_class) for sku, price, _qty, tax_class in WORKED_EXAMPLE))


def order(order_id: str = "W-1", points_used: int = 0, **customer: Any) -> dict[str, Any]:
    return {
        "order_id": order_id,
        "customer": customer or {"email": "hanako@example.jp", "name": "鈴木花子"},
        "ordered_at": "2025-11-22T05:05:00Z",
        "lines": [{"sku": sku, "qty": qty, "unit_price": price} for sku, price, qty, _tax in WORKED_EXAMPLE],
        "points_used": points_used,
        "fulfilment": {"type": "ship"},
    }


def test_worked_example_matches_the_terminal_to_the_yen(api: Api) -> None:
    _catalogue(api)
    answer = api.client.post("/v1/channel/orders", json=order(), headers=api.channel)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["totals"] == {
        "total": 2051,
        "by_rate": [{"rate": 8, "taxable": 778, "tax": 57}, {"rate": 10, "taxable": 1273, "tax": 115}],
    }
    cart = Cart()
    for sku, price, qty, tax_class in WORKED_EXAMPLE:
        cart = cart.add(CartLine(sku, sku, price, qty, TaxClass(tax_class)), merge=LineMerge.NEW_LINE)
    terminal = cart.totals()
    assert body["totals"]["total"] == terminal.amount_due
    assert {(r.rate, r.taxable, r.tax) for r in terminal.by_rate} == {
        (r["rate"], r["taxable"], r["tax"]) for r in body["totals"]["by_rate"]
    }
    assert body["points_earned"] == 20
    assert body["points_balance"] == 20


def test_points_used_are_a_discount_split_across_rates(api: Api) -> None:
    _catalogue(api)
    customer = api.customer(email="hanako@example.jp")
    api.give_points(customer["id"], 300)
    answer = api.client.post("/v1/channel/orders", json=order(points_used=300), headers=api.channel).json()
    assert answer["customer_id"] == customer["id"]
    assert answer["totals"]["total"] == 1751
    assert answer["totals"]["by_rate"] == [
        {"rate": 8, "taxable": 664, "tax": 49},
        {"rate": 10, "taxable": 1087, "tax": 98},
    ]
    assert answer["points_earned"] == 17
    assert answer["points_balance"] == 17


def test_same_order_twice_gets_the_same_answer_and_counts_once(api: Api) -> None:
    _catalogue(api)
    first = api.client.post("/v1/channel/orders", json=order(), headers=api.channel)
    second = api.client.post("/v1/channel/orders", json=order(), headers=api.channel)
    assert first.json() == second.json()
    with api.session() as session:
        assert session.scalar(select(func.count()).select_from(OnlineOrder)) == 1
        assert points_service.balance(session, customer_id=first.json()["customer_id"]) == 20


def test_same_order_id_with_a_different_body_is_409(api: Api) -> None:
    _catalogue(api)
    api.client.post("/v1/channel/orders", json=order(), headers=api.channel)
    changed = order()
    changed["lines"][0]["qty"] = 4
    answer = api.client.post("/v1/channel/orders", json=changed, headers=api.channel)
    assert answer.status_code == 409
    assert answer.headers["content-type"] == "application/problem+json"


def test_spending_more_points_than_the_balance_is_409_and_records_nothing(api: Api) -> None:
    _catalogue(api)
    customer = api.customer(email="hanako@example.jp")
    api.give_points(customer["id"], 100)
    answer = api.client.post("/v1/channel/orders", json=order(points_used=101), headers=api.channel)
    assert answer.status_code == 409
    with api.session() as session:
        assert session.scalar(select(func.count()).select_from(OnlineOrder)) == 0
        assert points_service.balance(session, customer_id=customer["id"]) == 100
        assert session.scalar(select(func.count()).select_from(PointsEntry)) == 1
    stock = api.client.get("/v1/channel/availability", params={"sku": "F1"}, headers=api.channel).json()
    assert all(level["quantity"] == 0 for level in stock["locations"])


def test_customer_is_matched_by_member_number_then_email_then_phone(api: Api) -> None:
    _catalogue(api)
    by_phone = api.customer(phone="090-1234-5678")
    by_email = api.customer(email="taro@example.jp")
    answer = api.client.post(
        "/v1/channel/orders",
        json=order("W-2", phone="09012345678", email="Taro@example.jp"),
        headers=api.channel,
    ).json()
    assert answer["customer_id"] == by_email["id"]  # email outranks phone
    answer = api.client.post(
        "/v1/channel/orders", json=order("W-3", phone="090 1234 5678"), headers=api.channel
    ).json()
    assert answer["customer_id"] == by_phone["id"]
    answer = api.client.post(
        "/v1/channel/orders",
        json=order("W-4", member_no=by_phone["member_no"], email="taro@example.jp"),
        headers=api.channel,
    ).json()
    assert answer["customer_id"] == by_phone["id"]  # member number outranks email
    answer = api.client.post(
        "/v1/channel/orders", json=order("W-5", email="new@example.jp"), headers=api.channel
    ).json()
    assert answer["customer_id"] not in (by_phone["id"], by_email["id"])


def test_unknown_sku_pickup_without_store_and_no_customer_are_422(api: Api) -> None:
    _catalogue(api)
    unknown = order()
    unknown["lines"][0]["sku"] = "NOPE"
    assert api.client.post("/v1/channel/orders", json=unknown, headers=api.channel).status_code == 422
    pickup = order() | {"fulfilment": {"type": "pickup"}}
    assert api.client.post("/v1/channel/orders", json=pickup, headers=api.channel).status_code == 422
    nobody = order() | {"customer": {"name": "名無し"}}
    assert api.client.post("/v1/channel/orders", json=nobody, headers=api.channel).status_code == 422
    naive = order() | {"ordered_at": "2025-11-22T05:05:00"}
    assert api.client.post("/v1/channel/orders", json=naive, headers=api.channel).status_code == 422


def test_pickup_takes_stock_from_the_store(api: Api) -> None:
    _catalogue(api)
    api.store("S002", "新宿店")
    pickup = order() | {"fulfilment": {"type": "pickup", "store": "S002"}}
    assert api.client.post("/v1/channel/orders", json=pickup, headers=api.channel).status_code == 200
    levels = api.client.get("/v1/channel/availability", params={"sku": "F1"}, headers=api.channel).json()[
        "locations"
    ]
    assert {level["location"]: level["quantity"] for level in levels} == {"S002": -3, "ONLINE": 0}


def test_cancel_reverses_points_and_stock_once(api: Api) -> None:
    _catalogue(api)
    customer = api.customer(email="hanako@example.jp")
    api.give_points(customer["id"], 300)
    api.client.post("/v1/channel/orders", json=order(points_used=300), headers=api.channel)
    first = api.client.post("/v1/channel/orders/W-1/cancel", headers=api.channel)
    assert first.status_code == 200
    assert first.json()["status"] == "cancelled"
    assert first.json()["points_balance"] == 300
    again = api.client.post("/v1/channel/orders/W-1/cancel", headers=api.channel)
    assert again.json()["points_balance"] == 300
    levels = api.client.get("/v1/channel/availability", params={"sku": "F1"}, headers=api.channel).json()[
        "locations"
    ]
    assert {level["location"]: level["quantity"] for level in levels}["ONLINE"] == 0
    with api.session() as session:
        assert points_service.ledger_sum(session, customer_id=customer["id"]) == 300
    assert api.client.post("/v1/channel/orders/NOPE/cancel", headers=api.channel).status_code == 404


def test_member_points_and_availability(api: Api) -> None:
    _catalogue(api)
    customer = api.customer()
    api.give_points(customer["id"], 42)
    points = api.client.get(f"/v1/channel/members/{customer['member_no']}/points", headers=api.channel)
    assert points.json() == {"member_no": customer["member_no"], "customer_id": customer["id"], "balance": 42}
    assert api.client.get("/v1/channel/members/999999/points", headers=api.channel).status_code == 404
    assert (
        api.client.get("/v1/channel/availability", params={"sku": "NOPE"}, headers=api.channel).status_code
        == 404
    )
    assert (
        api.client.get("/v1/channel/availability", params={"sku": "F1"}, headers=api.admin).status_code == 403
    )
