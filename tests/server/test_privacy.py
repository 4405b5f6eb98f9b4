"""Personal information (個人情報保護法): every look at a customer is logged, a member's data can be
exported, and a member can be erased without losing sales or breaking the points ledger."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from uuid6 import uuid7

from sync.server.auth.models import Device
from sync.server.changes.service import read_changes
from sync.server.customers.access import CustomerAccess
from sync.server.customers.models import ERASED_NAME, Customer, CustomerNote
from sync.server.omni.models import BrowsingEvent
from sync.server.points import service as points_service
from sync.server.sales.models import StoreSale
from sync.server.stores.models import Store
from sync.server.syncfeed.models import ReceivedEvent
from tests.server.conftest import Api, product
from tests.server.test_sync_endpoints import push, sale_event

MEMBER_NO = "000000000077"
PERSON = {
    "name": "高橋一郎",
    "name_kana": "タカハシイチロウ",
    "email": "ichiro@example.jp",
    "phone": "090-7777-1234",
    "member_no": MEMBER_NO,
}


def _device_ids(api: Api) -> dict[str, str]:
    with api.session() as session:
        rows = session.execute(select(Store.code, Device.id).join(Device, Device.store_id == Store.id))
        return {code: device_id for code, device_id in rows}


def _log(api: Api, customer_id: int) -> list[dict[str, Any]]:
    answer = api.client.get(f"/v1/admin/customers/{customer_id}/access-log", headers=api.admin)
    assert answer.status_code == 200, answer.text
    return list(answer.json())


def _member_sale(api: Api, *, seq: int, total: int = 100) -> None:
    event = sale_event("S001", seq=seq, total=total)
    event["payload"]["member_no"] = MEMBER_NO
    event["payload"]["points_earned"] = 1
    answer = push(api, api.device("S001"), [event])
    assert answer.status_code == 200, answer.text
    assert answer.json()["results"][0]["status"] == "applied", answer.text


def _browsing(api: Api, *event_ids: str) -> dict[str, Any]:
    now = datetime.now(UTC)
    body = {
        "events": [
            {"event_id": eid, "member_no": MEMBER_NO, "sku": "A1", "kind": "viewed", "at": now.isoformat()}
            for eid in event_ids
        ]
    }
    answer = api.client.post("/v1/channel/events", json=body, headers=api.channel)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def _search(api: Api, q: str) -> list[dict[str, Any]]:
    answer = api.client.get("/v1/customers", params={"q": q}, headers=api.device("S001"))
    assert answer.status_code == 200, answer.text
    return list(answer.json())


def test_device_search_profile_and_history_are_logged_with_device_and_store(api: Api) -> None:
    customer = api.customer(**PERSON)
    namesake = api.customer(name="高橋花子", name_kana="タカハシハナコ")
    other = api.customer(name="佐藤次郎", name_kana="サトウジロウ")
    s2 = api.device("S002")
    found = api.client.get("/v1/customers", params={"q": "タカハシ"}, headers=s2).json()
    assert {c["id"] for c in found} == {customer["id"], namesake["id"]}
    assert api.client.get(f"/v1/customers/{customer['id']}", headers=api.device("S001")).status_code == 200
    history = api.client.get(f"/v1/customers/{customer['id']}/history", headers=api.device("S001"))
    assert history.status_code == 200
    assert _search(api, "見つからない名前") == []
    devices = _device_ids(api)

    log = _log(api, customer["id"])
    assert [(row["action"], row["store_code"], row["caller_id"]) for row in log] == [
        ("history", "S001", devices["S001"]),
        ("profile", "S001", devices["S001"]),
        ("search", "S002", devices["S002"]),
    ]
    assert all(row["caller_kind"] == "device" for row in log)
    assert log[2]["query"] == "タカハシ" and log[0]["query"] is None and log[1]["query"] is None
    times = [row["at"] for row in log]
    assert times == sorted(times, reverse=True)
    # One row per customer a search returned, none for those it did not.
    [namesake_row] = _log(api, namesake["id"])
    assert (namesake_row["action"], namesake_row["caller_id"]) == ("search", devices["S002"])
    assert _log(api, other["id"]) == []
    with api.session() as session:
        assert session.scalar(select(func.count()).select_from(CustomerAccess)) == 4


def test_search_text_is_kept_short_and_admin_looks_are_logged_too(api: Api) -> None:
    long_email = "a" * 70 + "@example.jp"
    customer = api.customer(**(PERSON | {"email": long_email}))
    assert [c["id"] for c in _search(api, long_email)] == [customer["id"]]
    assert api.client.get(f"/v1/customers/{customer['id']}", headers=api.admin).status_code == 200
    assert len(api.client.get("/v1/customers", params={"q": "高橋"}, headers=api.admin).json()) == 1
    log = _log(api, customer["id"])
    assert [(row["action"], row["caller_kind"], row["store_code"], row["query"]) for row in log] == [
        ("search", "admin", None, "高橋"),
        ("profile", "admin", None, None),
        ("search", "device", "S001", long_email[:64]),
    ]


def test_devices_and_channels_cannot_read_the_log_export_or_erase(api: Api) -> None:
    customer = api.customer(**PERSON)
    base = f"/v1/admin/customers/{customer['id']}"
    for headers, status in ((api.device(), 403), (api.channel, 403), ({}, 401)):
        assert api.client.get(f"{base}/access-log", headers=headers).status_code == status
        assert api.client.get(f"{base}/export", headers=headers).status_code == status
        assert api.client.post(f"{base}/erase", headers=headers).status_code == status
    profile = api.client.get(f"/v1/customers/{customer['id']}", headers=api.admin).json()
    assert profile["name"] == PERSON["name"] and profile["email"] == PERSON["email"]
    assert api.client.get("/v1/admin/customers/999999/export", headers=api.admin).status_code == 404
    assert api.client.post("/v1/admin/customers/999999/erase", headers=api.admin).status_code == 404


def test_export_holds_profile_notes_ledger_sales_orders_and_the_access_log(api: Api) -> None:
    api.products(product("A1", 100))
    customer = api.customer(**PERSON)
    note = api.client.post(
        f"/v1/customers/{customer['id']}/notes", json={"body": "配送は午前希望"}, headers=api.device()
    )
    assert note.status_code == 201
    api.give_points(customer["id"], 30)
    _member_sale(api, seq=1, total=500)
    order = {
        "order_id": "W-77",
        "customer": {"member_no": MEMBER_NO, "name": PERSON["name"]},
        "ordered_at": datetime.now(UTC).isoformat(),
        "lines": [{"sku": "A1", "qty": 2, "unit_price": 100}],
        "fulfilment": {"type": "ship"},
    }
    placed = api.client.post("/v1/channel/orders", json=order, headers=api.channel)
    assert placed.status_code == 200, placed.text
    assert placed.json()["customer_id"] == customer["id"]
    assert _browsing(api, "b1")["accepted"] == 1
    api.client.get(f"/v1/customers/{customer['id']}", headers=api.device())

    answer = api.client.get(f"/v1/admin/customers/{customer['id']}/export", headers=api.admin)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["purpose_of_use"]
    assert body["customer"]["name"] == PERSON["name"] and body["customer"]["email"] == PERSON["email"]
    assert body["customer"]["member_no"] == MEMBER_NO and body["erased_at"] is None
    assert [n["body"] for n in body["notes"]] == ["配送は午前希望"]
    assert body["notes"][0]["store_code"] == "S001"
    points = body["points"]
    assert any(e["kind"] == "adjust" and e["points"] == 30 for e in points)
    assert sum(e["points"] for e in points) == body["customer"]["points_balance"]
    assert points[-1]["balance_after"] == body["customer"]["points_balance"]
    [sale] = body["store_sales"]
    assert (sale["store"], sale["total"], sale["receipt_no"]) == ("S001", 500, "S001-01-000001")
    [online] = body["online_orders"]
    assert (online["order_id"], online["total"], online["status"]) == ("W-77", 200, "placed")
    assert [(e["sku"], e["kind"]) for e in body["browsing_events"]] == [("A1", "viewed")]
    actions = [row["action"] for row in body["access_log"]]
    assert actions == ["export", "profile"]
    assert body["access_log"][0]["caller_kind"] == "admin"
    # The export itself stays on the record.
    assert _log(api, customer["id"])[0]["action"] == "export"


def test_erasure_anonymises_and_keeps_sales_and_the_ledger(api: Api) -> None:
    api.products(product("A1", 100))
    customer = api.customer(**PERSON)
    customer_id = customer["id"]
    api.client.post(
        f"/v1/customers/{customer_id}/notes", json={"body": "高橋様 090-7777-1234"}, headers=api.device()
    )
    api.give_points(customer_id, 40)
    _member_sale(api, seq=1)
    assert _browsing(api, "b1", "b2")["accepted"] == 2
    assert [c["id"] for c in _search(api, "090-7777-1234")] == [customer_id]
    with api.session() as session:
        balance_before = points_service.balance(session, customer_id=customer_id)
    assert balance_before == 41

    answer = api.client.post(f"/v1/admin/customers/{customer_id}/erase", headers=api.admin)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["customer"]["name"] == ERASED_NAME
    assert body["customer"]["name_kana"] == "" and body["customer"]["email"] is None
    assert body["customer"]["phone"] is None and body["customer"]["member_no"] == MEMBER_NO
    assert body["customer"]["points_balance"] == balance_before
    assert (body["notes_deleted"], body["browsing_events_deleted"]) == (1, 2)

    with api.session() as session:
        assert session.scalar(select(func.count()).where(StoreSale.customer_id == customer_id)) == 1
        balance = points_service.balance(session, customer_id=customer_id)
        assert balance == balance_before == points_service.ledger_sum(session, customer_id=customer_id)
        assert session.scalar(select(func.count()).where(CustomerNote.customer_id == customer_id)) == 0
        assert session.scalar(select(func.count()).where(BrowsingEvent.customer_id == customer_id)) == 0
        queries = session.scalars(
            select(CustomerAccess.query).where(CustomerAccess.customer_id == customer_id)
        )
        assert list(queries) and all(query is None for query in queries)

    for q in (
        "高橋",
        "タカハシ",
        "090-7777-1234",
        "09077771234",
        "ichiro@example.jp",
        MEMBER_NO,
        ERASED_NAME,
    ):
        assert _search(api, q) == [], q
    profile = api.client.get(f"/v1/customers/{customer_id}", headers=api.device()).json()
    assert profile["name"] == ERASED_NAME and profile["email"] is None and profile["phone"] is None
    history = api.client.get(f"/v1/customers/{customer_id}/history", headers=api.device()).json()
    assert {entry["kind"] for entry in history} == {"store_sale", "points"}

    with api.session() as session:
        feed = [
            change
            for change in read_changes(session, after=0, limit=10_000, store_code="S001")
            if change.entity == "customer" and change.key == str(customer_id)
        ]
    assert feed[-1].payload["name"] == ERASED_NAME and feed[-1].payload["erased"] is True
    assert feed[-1].payload["email"] is None and feed[-1].payload["phone"] is None
    assert feed[-1].payload["name_kana"] == ""
    # A terminal catching up from an old cursor never sees the person either.
    assert len(feed) >= 2 and all(change.payload["name"] == ERASED_NAME for change in feed)

    again = api.client.post(f"/v1/admin/customers/{customer_id}/erase", headers=api.admin)
    assert again.status_code == 200, again.text
    assert again.json()["erased_at"] == body["erased_at"]
    assert (again.json()["notes_deleted"], again.json()["browsing_events_deleted"]) == (0, 0)
    assert again.json()["customer"] == body["customer"]
    actions = [row["action"] for row in _log(api, customer_id)]
    assert actions[0] == "erase" and actions.count("erase") == 2


def test_an_erased_member_is_not_brought_back(api: Api) -> None:
    api.products(product("A1", 100))
    now = datetime.now(UTC).isoformat()
    registration = {
        "id": str(uuid7()), "seq": 1, "kind": "member.registered", "terminal_code": "01",
        "store_code": "S001", "created_at": now,
        "payload": {"member_no": MEMBER_NO, "name": PERSON["name"], "name_kana": PERSON["name_kana"],
                    "phone": "09077771234", "email": PERSON["email"], "registered_at": now},
    }  # fmt: skip
    assert push(api, api.device(), [registration]).json()["results"][0]["status"] == "applied"
    [customer] = _search(api, MEMBER_NO)
    customer_id = customer["id"]
    assert customer["name"] == PERSON["name"]
    assert api.client.post(f"/v1/admin/customers/{customer_id}/erase", headers=api.admin).status_code == 200
    with api.session() as session:
        kept = session.scalar(select(ReceivedEvent.payload).where(ReceivedEvent.id == registration["id"]))
    assert kept is not None and kept["member_no"] == MEMBER_NO
    assert (kept["name"], kept["name_kana"], kept["phone"], kept["email"]) == (ERASED_NAME, "", "", "")
    # The terminal resends its registration, and the card is still shown at the till: the sale and
    # its points are kept, the person stays gone.
    assert push(api, api.device(), [registration]).json()["results"][0]["status"] == "duplicate"
    _member_sale(api, seq=2)
    again = api.client.post("/v1/customers", json=PERSON, headers=api.device())
    assert again.status_code == 409  # the member number stays taken by the erased record
    assert _browsing(api, "late")["dropped"] == 1
    profile = api.client.get(f"/v1/customers/{customer_id}", headers=api.device()).json()
    assert profile["name"] == ERASED_NAME and profile["email"] is None and profile["points_balance"] == 1
    for q in ("高橋", "ichiro@example.jp", "09077771234", MEMBER_NO):
        assert _search(api, q) == [], q
    with api.session() as session:
        assert session.scalar(select(func.count()).where(StoreSale.customer_id == customer_id)) == 1
        assert points_service.balance(session, customer_id=customer_id) == points_service.ledger_sum(
            session, customer_id=customer_id
        )


def test_erasing_a_survivor_also_erases_the_record_merged_into_it(api: Api) -> None:
    survivor = api.customer(**PERSON)
    duplicate = api.customer(name="高橋 一郎", name_kana="タカハシ", email="old@example.jp")
    merged = api.client.post(
        "/v1/admin/customers/merge",
        json={"survivor_id": survivor["id"], "duplicate_id": duplicate["id"]},
        headers=api.admin,
    )
    assert merged.status_code == 200, merged.text
    erased = api.client.post(f"/v1/admin/customers/{duplicate['id']}/erase", headers=api.admin)
    assert erased.status_code == 200, erased.text
    assert erased.json()["customer"]["id"] == survivor["id"]
    with api.session() as session:
        feed = [
            change.payload
            for change in read_changes(session, after=0, limit=10_000, store_code=None)
            if change.entity == "customer"
        ]
    assert feed and not any("高橋" in str(payload) or "example.jp" in str(payload) for payload in feed)
    assert _search(api, "高橋") == []
    with api.session() as session:
        records = session.scalars(select(Customer).where(Customer.id.in_([survivor["id"], duplicate["id"]])))
        assert {(c.name, c.name_kana, c.email, c.phone, c.erased_at is not None) for c in records} == {
            (ERASED_NAME, "", None, None, True)
        }


def test_reading_a_members_online_interests_is_logged(api: Api) -> None:
    customer = api.customer(**PERSON)
    answer = api.client.get(f"/v1/customers/{customer['id']}/interests", headers=api.device("S001"))
    assert answer.status_code == 200, answer.text
    [row] = _log(api, customer["id"])
    assert (row["action"], row["store_code"], row["caller_kind"]) == ("interests", "S001", "device")
