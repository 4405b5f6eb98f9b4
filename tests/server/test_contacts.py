"""Contacts (complaints, inquiries, return requests, compliments) through the real HTTP API, on SQLite
and PostgreSQL: the web shop and the call centre through their channel keys, terminals through the
outbox push, HQ through its token; idempotent resends, status changes, who reads which note, the
access log, the change feed, the member export and erasure."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from uuid6 import uuid7

from sync.server.changes.service import read_changes
from sync.server.contacts.models import Contact, ContactNote
from sync.server.syncfeed.models import ReceivedEvent
from tests.server.conftest import Api, product
from tests.server.test_sync_endpoints import push, sale_event


def _channel(api: Api, name: str, kind: str) -> dict[str, str]:
    answer = api.client.post("/v1/admin/channels", json={"name": name, "kind": kind}, headers=api.admin)
    assert answer.status_code == 201, answer.text
    assert answer.json()["kind"] == kind
    return {"Authorization": f"Bearer {answer.json()['api_key']}"}


def _complaint(member_no: str, contact_id: str = "WEB-1001", **fields: Any) -> dict[str, Any]:
    return {
        "contact_id": contact_id,
        "member_no": member_no,
        "kind": "complaint",
        "subject": "届いた商品が破損していた",
        "body": "箱がつぶれて中のグラスが割れていました。",
        **fields,
    }


def _contact_event(
    store: str, member_no: str, *, seq: int = 1, contact_id: str | None = None
) -> dict[str, Any]:
    now = datetime.now(UTC).isoformat()
    return {
        "id": str(uuid7()), "seq": seq, "kind": "contact.recorded", "terminal_code": "01", "store_code": store,
        "created_at": now,
        "payload": {
            "contact_id": contact_id or str(uuid7()), "member_no": member_no, "kind": "inquiry",
            "subject": "取り寄せの問い合わせ", "body": "青のMサイズ", "clerk_code": "1001", "recorded_at": now,
        },
    }  # fmt: skip


def _log_actions(api: Api, customer_id: int) -> list[tuple[str, str | None, str]]:
    answer = api.client.get(f"/v1/admin/customers/{customer_id}/access-log", headers=api.admin)
    assert answer.status_code == 200, answer.text
    return [(row["caller_kind"], row["store_code"], row["action"]) for row in answer.json()]


def test_a_channel_records_a_complaint_once_and_a_reused_id_is_a_conflict(api: Api) -> None:
    member = api.customer("S001")
    web = _channel(api, "ウェブショップ", "web")
    first = api.client.post("/v1/channel/contacts", json=_complaint(member["member_no"]), headers=web)
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["kind"] == "complaint" and body["channel"] == "web" and body["taken_by"] == "ウェブショップ"
    assert body["status"] == "open" and body["customer_id"] == member["id"]
    again = api.client.post("/v1/channel/contacts", json=_complaint(member["member_no"]), headers=web)
    assert again.status_code == 200 and again.json()["id"] == body["id"], "a resend answers with the first"
    changed = _complaint(member["member_no"], subject="別の件")
    reused = api.client.post("/v1/channel/contacts", json=changed, headers=web)
    assert reused.status_code == 409 and reused.json()["type"].endswith("contact-id-reused")
    # Another channel may use the same ticket number for its own contact.
    call = _channel(api, "コールセンター", "call_centre")
    other = api.client.post("/v1/channel/contacts", json=_complaint(member["member_no"]), headers=call)
    assert other.status_code == 200 and other.json()["id"] != body["id"]
    assert other.json()["channel"] == "call_centre" and other.json()["taken_by"] == "コールセンター"
    with api.session() as session:
        assert len(session.scalars(select(Contact)).all()) == 2


def test_a_contact_needs_a_known_member_a_kind_and_the_members_own_order(api: Api) -> None:
    member = api.customer("S001")
    web = _channel(api, "ウェブショップ", "web")
    unknown = api.client.post("/v1/channel/contacts", json=_complaint("99999999"), headers=web)
    assert unknown.status_code == 404
    wrong_kind = api.client.post(
        "/v1/channel/contacts", json=_complaint(member["member_no"], kind="rant"), headers=web
    )
    assert wrong_kind.status_code == 422
    no_order = api.client.post(
        "/v1/channel/contacts", json=_complaint(member["member_no"], order_id="W-404"), headers=web
    )
    assert no_order.status_code == 404
    no_receipt = api.client.post(
        "/v1/channel/contacts", json=_complaint(member["member_no"], receipt_no="S001-01-999999"), headers=web
    )
    assert no_receipt.status_code == 404
    devices_cannot = api.client.post(
        "/v1/channel/contacts", json=_complaint(member["member_no"]), headers=api.device("S001")
    )
    assert devices_cannot.status_code == 403


def test_status_moves_with_who_and_when_and_only_the_author_channel_moves_it(api: Api) -> None:
    member = api.customer("S001")
    web = _channel(api, "ウェブショップ", "web")
    call = _channel(api, "コールセンター", "call_centre")
    created = api.client.post(
        "/v1/channel/contacts", json=_complaint(member["member_no"]), headers=web
    ).json()
    moved = api.client.post(
        "/v1/channel/contacts/WEB-1001/status", json={"status": "in_progress"}, headers=web
    ).json()
    assert moved["status"] == "in_progress" and moved["status_by"] == "ウェブショップ" and moved["status_at"]
    foreign = api.client.post(
        "/v1/channel/contacts/WEB-1001/status", json={"status": "resolved"}, headers=call
    )
    assert foreign.status_code == 404, "the call centre does not know the web shop's ticket numbers"
    resolved = api.client.post(
        f"/v1/admin/contacts/{created['id']}/status",
        json={"status": "resolved", "note": "代替品を発送しました"},
        headers=api.admin,
    )
    assert resolved.status_code == 200, resolved.text
    assert resolved.json()["status"] == "resolved" and resolved.json()["status_by"].startswith("HQ")
    assert [note["body"] for note in resolved.json()["notes"]] == ["代替品を発送しました"]
    listed = api.client.get("/v1/admin/contacts?status=resolved", headers=api.admin).json()
    assert [row["id"] for row in listed] == [created["id"]]
    assert api.client.get("/v1/admin/contacts?status=open", headers=api.admin).json() == []


def test_a_device_of_s001_sees_the_contacts_of_a_member_it_serves_and_each_read_is_logged(api: Api) -> None:
    member = api.customer("S001")
    web = _channel(api, "ウェブショップ", "web")
    api.client.post("/v1/channel/contacts", json=_complaint(member["member_no"]), headers=web)
    pushed = push(api, api.device("S002"), [_contact_event("S002", member["member_no"])])
    assert pushed.json()["results"][0]["status"] == "applied", pushed.text
    seen = api.client.get(f"/v1/customers/{member['id']}/contacts", headers=api.device("S001"))
    assert seen.status_code == 200, seen.text
    assert {(row["channel"], row["taken_by"], row["kind"]) for row in seen.json()} == {
        ("web", "ウェブショップ", "complaint"),
        ("store", "S002", "inquiry"),
    }
    assert ("device", "S001", "contacts") in _log_actions(api, member["id"])
    # The timeline the counter shows has them too, with their status and who took them.
    history = api.client.get(f"/v1/customers/{member['id']}/history", headers=api.device("S001")).json()
    contacts = [entry for entry in history if entry["kind"] == "contact"]
    assert {(e["contact_kind"], e["status"], e["taken_by"]) for e in contacts} == {
        ("complaint", "open", "ウェブショップ"),
        ("inquiry", "open", "S002"),
    }
    # A channel's read is logged as well.
    api.client.get(f"/v1/channel/members/{member['member_no']}/contacts", headers=web)
    assert ("channel", None, "contacts") in _log_actions(api, member["id"])


def test_a_channel_cannot_read_another_channels_internal_notes(api: Api) -> None:
    member = api.customer("S001")
    web = _channel(api, "ウェブショップ", "web")
    call = _channel(api, "コールセンター", "call_centre")
    created = api.client.post(
        "/v1/channel/contacts", json=_complaint(member["member_no"]), headers=web
    ).json()
    for body, internal in (("お客様には返金で合意", False), ("配送業者の過失、業者に請求予定", True)):
        answer = api.client.post(
            "/v1/channel/contacts/WEB-1001/notes", json={"body": body, "internal": internal}, headers=web
        )
        assert answer.status_code == 200, answer.text
    noted = api.client.post(
        f"/v1/contacts/{created['id']}/notes", json={"body": "店頭でも謝罪済み"}, headers=api.device("S001")
    )
    assert noted.status_code == 201 and noted.json()["notes"][-1]["author"] == "S001"

    def bodies(headers: dict[str, str]) -> set[str]:
        rows = api.client.get(f"/v1/channel/members/{member['member_no']}/contacts", headers=headers).json()
        return {note["body"] for row in rows for note in row["notes"]}

    assert bodies(web) == {"お客様には返金で合意", "配送業者の過失、業者に請求予定", "店頭でも謝罪済み"}
    assert bodies(call) == {"お客様には返金で合意", "店頭でも謝罪済み"}
    device_rows = api.client.get(f"/v1/customers/{member['id']}/contacts", headers=api.device("S001")).json()
    assert "配送業者の過失、業者に請求予定" not in {n["body"] for r in device_rows for n in r["notes"]}
    hq_rows = api.client.get(f"/v1/customers/{member['id']}/contacts", headers=api.admin).json()
    assert len(hq_rows[0]["notes"]) == 3, "HQ reads every note"


def test_a_counter_contact_arrives_once_and_reaches_the_feed_of_the_members_stores(api: Api) -> None:
    member = api.customer("S001")
    event = _contact_event("S002", member["member_no"])
    assert push(api, api.device("S002"), [event]).json()["results"][0]["status"] == "applied"
    assert push(api, api.device("S002"), [event]).json()["results"][0]["status"] == "duplicate"
    with api.session() as session:
        [contact] = session.scalars(select(Contact)).all()
        assert contact.contact_ref == event["payload"]["contact_id"]
        feeds = {
            store: [
                c.payload
                for c in read_changes(session, after=0, limit=1000, store_code=store)
                if c.entity == "contact"
            ]
            for store in ("S001", "S002", "S003")
        }
    assert feeds["S001"] and feeds["S002"], "the home store and the taking store keep it offline"
    assert feeds["S003"] == []
    assert feeds["S001"][0]["member_no"] == member["member_no"] and feeds["S001"][0]["status"] == "open"
    unknown = push(api, api.device("S002"), [_contact_event("S002", "12345678", seq=2)])
    assert unknown.json()["results"][0]["status"] == "rejected"


def test_hq_records_a_contact_and_orders_say_which_channel_took_them(api: Api) -> None:
    member = api.customer("S001")
    answer = api.client.post(
        "/v1/admin/contacts",
        json={
            **_complaint(member["member_no"], contact_id="HQ-7"),
            "kind": "compliment",
            "channel": "call_centre",
        },
        headers=api.admin,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["taken_by"] == "HQ" and answer.json()["channel"] == "call_centre"
    channels = api.client.get("/v1/admin/channels", headers=api.admin).json()
    assert all("kind" in row for row in channels)


def test_contacts_are_in_the_export_and_go_with_the_erasure(api: Api) -> None:
    member = api.customer("S001")
    web = _channel(api, "ウェブショップ", "web")
    api.client.post("/v1/channel/contacts", json=_complaint(member["member_no"]), headers=web)
    api.client.post(
        "/v1/channel/contacts/WEB-1001/notes", json={"body": "社内メモ", "internal": True}, headers=web
    )
    push(api, api.device("S001"), [_contact_event("S001", member["member_no"])])
    export = api.client.get(f"/v1/admin/customers/{member['id']}/export", headers=api.admin).json()
    assert {row["subject"] for row in export["contacts"]} == {
        "届いた商品が破損していた",
        "取り寄せの問い合わせ",
    }
    assert any(note["body"] == "社内メモ" for row in export["contacts"] for note in row["notes"])
    erased = api.client.post(f"/v1/admin/customers/{member['id']}/erase", headers=api.admin)
    assert erased.status_code == 200 and erased.json()["contacts_deleted"] == 2
    with api.session() as session:
        assert session.scalars(select(Contact)).all() == []
        assert session.scalars(select(ContactNote)).all() == []
        [received] = session.scalars(
            select(ReceivedEvent).where(ReceivedEvent.kind == "contact.recorded")
        ).all()
        assert received.payload["body"] == "" and "取り寄せ" not in received.payload["subject"]
        feed = [
            c.payload
            for c in read_changes(session, after=0, limit=1000, store_code="S001")
            if c.entity == "contact"
        ]
    assert feed and all(payload.get("deleted") for payload in feed), "the feed forgets the words too"
    again = api.client.post(
        "/v1/channel/contacts", json=_complaint(member["member_no"], contact_id="W2"), headers=web
    )
    assert again.status_code == 409 and again.json()["type"].endswith("member-erased")


def test_orders_say_which_channel_took_them_in_history_and_the_report(api: Api) -> None:
    api.products(product("A1", 1100))
    member = api.customer("S001")
    web = _channel(api, "公式オンラインショップ", "web")
    call = _channel(api, "コールセンター", "call_centre")
    for order_id, headers in (("W-1", web), ("W-2", web), ("TEL-1", call)):
        body = {
            "order_id": order_id, "customer": {"member_no": member["member_no"]},
            "ordered_at": "2026-11-22T05:05:00Z", "lines": [{"sku": "A1", "qty": 1, "unit_price": 1100}],
            "fulfilment": {"type": "ship"},
        }  # fmt: skip
        assert api.client.post("/v1/channel/orders", json=body, headers=headers).status_code == 200
    history = api.client.get(f"/v1/customers/{member['id']}/history", headers=api.device("S001")).json()
    taken = {entry["reference"]: entry["taken_by"] for entry in history if entry["kind"] == "online_order"}
    assert taken == {
        "W-1": "公式オンラインショップ",
        "W-2": "公式オンラインショップ",
        "TEL-1": "コールセンター",
    }
    report = api.client.get(
        "/v1/admin/reports/summary?from=2026-11-22&to=2026-11-22&by=chain", headers=api.admin
    ).json()
    assert [(c["channel"], c["kind"], c["orders"], c["total"]) for c in report["online_by_channel"]] == [
        ("コールセンター", "call_centre", 1, 1100),
        ("公式オンラインショップ", "web", 2, 2200),
    ]


def test_a_contact_reaches_the_feed_of_a_store_the_member_shopped_at_lately(api: Api) -> None:
    api.products(product("A1", 100))
    member = api.customer("S001")
    sale = sale_event("S003")
    sale["payload"]["member_no"] = member["member_no"]
    assert push(api, api.device("S003"), [sale]).json()["results"][0]["status"] == "applied"
    web = _channel(api, "ウェブショップ", "web")
    assert (
        api.client.post("/v1/channel/contacts", json=_complaint(member["member_no"]), headers=web).status_code
        == 200
    )
    pulled = api.client.get(
        "/v1/sync/pull", params={"cursor": "", "limit": 1000}, headers=api.device("S003")
    ).json()
    contacts = [change["payload"] for change in pulled["changes"] if change["entity"] == "contact"]
    assert [(c["subject"], c["status"]) for c in contacts] == [("届いた商品が破損していた", "open")]
    elsewhere = api.client.get(
        "/v1/sync/pull", params={"cursor": "", "limit": 1000}, headers=api.device("S002")
    )
    assert [c for c in elsewhere.json()["changes"] if c["entity"] == "contact"] == []
