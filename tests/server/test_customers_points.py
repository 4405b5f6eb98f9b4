"""Customers across channels, merge, history, points holds and the ledger invariant."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from sync.server.db.base import utcnow
from sync.server.points import service as points_service
from sync.server.points.models import PointsHold
from tests.server.conftest import Api, product
from tests.server.test_channel import order


def test_register_search_and_get(api: Api) -> None:
    created = api.customer(email="Taro@Example.jp", phone="０９０-1111-2222")
    assert created["email"] == "taro@example.jp" and created["phone"] == "09011112222"
    assert created["home_store"] == "S001" and created["points_balance"] == 0
    for q in (created["member_no"], "taro@example.jp", "090-1111-2222", "山田", "ヤマダ"):
        found = api.client.get("/v1/customers", params={"q": q}, headers=api.device()).json()
        assert [c["id"] for c in found] == [created["id"]], q
    assert api.client.get("/v1/customers", params={"q": "佐藤"}, headers=api.device()).json() == []
    assert api.client.get(f"/v1/customers/{created['id']}", headers=api.device()).json()["name"] == "山田太郎"
    assert api.client.get("/v1/customers/999999", headers=api.device()).status_code == 404


def test_a_number_finds_members_by_number_not_digits_inside_names(api: Api) -> None:
    named = api.customer(name="山田1010", name_kana="ヤマダ", member_no="555000111")
    numbered = api.customer(name="佐藤", name_kana="サトウ", member_no="1010")

    def found(q: str) -> list[int]:
        answer = api.client.get("/v1/customers", params={"q": q}, headers=api.device())
        assert answer.status_code == 200, answer.text
        return [c["id"] for c in answer.json()]

    assert found("1010") == found("１０１０") == [numbered["id"]]  # a scanned or typed number
    assert found("555000111") == [named["id"]]
    assert found("山田1010") == found("田1") == [named["id"]]  # text with a non-digit still searches names


def test_register_refusals(api: Api) -> None:
    first = api.customer(member_no="1234567890")
    dup = api.client.post(
        "/v1/customers", json={"name": "別人", "member_no": first["member_no"]}, headers=api.device()
    )
    assert dup.status_code == 409
    other_store = api.client.post(
        "/v1/customers", json={"name": "x", "home_store": "S002"}, headers=api.device("S001")
    )
    assert other_store.status_code == 403
    assert api.client.post("/v1/customers", json={"name": ""}, headers=api.device()).status_code == 422
    assert (
        api.client.post(
            "/v1/customers", json={"name": "x", "email": "no-at"}, headers=api.device()
        ).status_code
        == 422
    )
    assert api.client.post("/v1/customers", json={"name": "x"}, headers=api.admin).status_code == 403
    assert api.client.post("/v1/customers", json={"name": "x"}).status_code == 401


def test_history_is_one_timeline_newest_first(api: Api) -> None:
    api.products(product("F1", 138, "reduced"))
    customer = api.customer(email="hanako@example.jp")
    body = order() | {"lines": [{"sku": "F1", "qty": 2, "unit_price": 138}]}
    api.client.post("/v1/channel/orders", json=body, headers=api.channel)
    note = api.client.post(
        f"/v1/customers/{customer['id']}/notes", json={"body": "ギフト包装希望"}, headers=api.device()
    )
    assert note.status_code == 201
    assert note.json()["location_name"] == "渋谷店"  # the store's name, not only its code
    history = api.client.get(f"/v1/customers/{customer['id']}/history", headers=api.device()).json()
    kinds = [entry["kind"] for entry in history]
    assert set(kinds) == {"online_order", "points", "note"}
    times = [entry["occurred_at"] for entry in history]
    assert times == sorted(times, reverse=True)
    online = next(entry for entry in history if entry["kind"] == "online_order")
    assert online["channel"] == "online" and online["location"] == "ONLINE" and online["amount"] == 276
    assert online["items"] == [{"sku": "F1", "name": "商品F1", "quantity": 2, "amount": 276}]
    assert api.client.get("/v1/customers/424242/history", headers=api.device()).status_code == 404


def test_merge_moves_history_and_points_to_the_survivor(api: Api) -> None:
    survivor = api.customer(email="a@example.jp")
    duplicate = api.customer(phone="0311112222")
    api.give_points(survivor["id"], 100)
    api.give_points(duplicate["id"], 50)
    answer = api.client.post(
        "/v1/admin/customers/merge",
        json={"survivor_id": survivor["id"], "duplicate_id": duplicate["id"]},
        headers=api.admin,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["survivor"]["points_balance"] == 150
    assert answer.json()["survivor"]["phone"] == "0311112222"
    assert answer.json()["moved_entries"] == 1
    assert (
        api.client.get(f"/v1/customers/{duplicate['id']}", headers=api.device()).json()["id"]
        == survivor["id"]
    )
    with api.session() as session:
        assert points_service.ledger_sum(session, customer_id=survivor["id"]) == 150
        assert points_service.ledger_sum(session, customer_id=duplicate["id"]) == 0
    again = api.client.post(
        "/v1/admin/customers/merge",
        json={"survivor_id": survivor["id"], "duplicate_id": duplicate["id"]},
        headers=api.admin,
    )
    assert again.status_code == 409
    same = {"survivor_id": survivor["id"], "duplicate_id": survivor["id"]}
    assert api.client.post("/v1/admin/customers/merge", json=same, headers=api.admin).status_code == 409
    missing = {"survivor_id": survivor["id"], "duplicate_id": 999999}
    assert api.client.post("/v1/admin/customers/merge", json=missing, headers=api.admin).status_code == 404
    assert api.client.post("/v1/admin/customers/merge", json=missing, headers=api.device()).status_code == 403


def test_hold_capture_and_release(api: Api) -> None:
    customer = api.customer()
    api.give_points(customer["id"], 500)
    hold = api.client.post(
        "/v1/points/holds",
        json={"customer_id": customer["id"], "points": 200, "idempotency_key": "h1"},
        headers=api.device(),
    )
    assert hold.status_code == 201
    assert hold.json()["balance_after"] == 300
    resend = api.client.post(
        "/v1/points/holds",
        json={"customer_id": customer["id"], "points": 200, "idempotency_key": "h1"},
        headers=api.device(),
    )
    assert resend.json()["hold_id"] == hold.json()["hold_id"] and resend.json()["balance_after"] == 300
    hold_id = hold.json()["hold_id"]
    captured = api.client.post(
        f"/v1/points/holds/{hold_id}/capture", json={"sale_id": "sale-1"}, headers=api.device()
    )
    assert captured.json()["status"] == "captured" and captured.json()["balance_after"] == 300
    assert api.client.post(f"/v1/points/holds/{hold_id}/release", headers=api.device()).status_code == 409
    second = api.client.post(
        "/v1/points/holds",
        json={"customer_id": customer["id"], "points": 100, "idempotency_key": "h2"},
        headers=api.device(),
    ).json()
    released = api.client.post(f"/v1/points/holds/{second['hold_id']}/release", headers=api.device())
    assert released.json()["status"] == "released" and released.json()["balance_after"] == 300
    assert (
        api.client.post(
            f"/v1/points/holds/{second['hold_id']}/capture", json={"sale_id": "s"}, headers=api.device()
        ).status_code
        == 409
    )
    with api.session() as session:
        assert points_service.ledger_sum(session, customer_id=customer["id"]) == 300


def test_hold_refusals(api: Api) -> None:
    customer = api.customer()
    api.give_points(customer["id"], 10)
    body = {"customer_id": customer["id"], "points": 11, "idempotency_key": "h1"}
    assert api.client.post("/v1/points/holds", json=body, headers=api.device()).status_code == 409
    assert (
        api.client.post("/v1/points/holds", json=body | {"points": 0}, headers=api.device()).status_code
        == 422
    )
    assert (
        api.client.post(
            "/v1/points/holds", json=body | {"customer_id": 99999}, headers=api.device()
        ).status_code
        == 404
    )
    assert api.client.post("/v1/points/holds", json=body, headers=api.channel).status_code == 403
    hold = api.client.post("/v1/points/holds", json=body | {"points": 5}, headers=api.device("S001")).json()
    other_store = api.client.post(
        f"/v1/points/holds/{hold['hold_id']}/capture", json={"sale_id": "x"}, headers=api.device("S002")
    )
    assert other_store.status_code == 404
    assert api.client.post("/v1/points/holds/nope/release", headers=api.device()).status_code == 404


def test_expired_holds_give_the_points_back(api: Api) -> None:
    customer = api.customer()
    api.give_points(customer["id"], 100)
    hold = api.client.post(
        "/v1/points/holds",
        json={"customer_id": customer["id"], "points": 60, "idempotency_key": "h1"},
        headers=api.device(),
    ).json()
    with api.session() as session:
        session.execute(update(PointsHold).values(expires_at=utcnow() - timedelta(seconds=1)))
        session.commit()
    assert (
        api.client.post(
            f"/v1/points/holds/{hold['hold_id']}/capture", json={"sale_id": "s"}, headers=api.device()
        ).status_code
        == 409
    )
    other = api.client.post(
        "/v1/points/holds",
        json={"customer_id": customer["id"], "points": 100, "idempotency_key": "h2"},
        headers=api.device(),
    )
    assert other.status_code == 201 and other.json()["balance_after"] == 0


def test_ledger_services_are_idempotent(api: Api) -> None:
    customer = api.customer()
    with api.session() as session:
        points_service.earn(session, customer_id=customer["id"], points=30, source="sale:1", reason="sale")
        points_service.earn(session, customer_id=customer["id"], points=30, source="sale:1", reason="sale")
        points_service.spend(session, customer_id=customer["id"], points=10, idempotency_key="k1", reason="r")
        points_service.spend(session, customer_id=customer["id"], points=10, idempotency_key="k1", reason="r")
        points_service.reverse(session, entry_key="earn:sale:1", idempotency_key="rev1", reason="return")
        points_service.reverse(session, entry_key="earn:sale:1", idempotency_key="rev1", reason="return")
        session.commit()
        assert points_service.balance(session, customer_id=customer["id"]) == -10
        assert points_service.ledger_sum(session, customer_id=customer["id"]) == -10
