"""The sync endpoints at the HTTP boundary: scope per store, hostile bodies, protocol versions."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from typing import Any

from uuid6 import uuid7

from tests.server.conftest import Api, product


def sale_event(store: str, *, terminal: str = "01", seq: int = 1, total: int = 100) -> dict[str, Any]:
    now = datetime.now(UTC).isoformat()
    sale_id = str(uuid7())
    return {
        "id": str(uuid7()), "seq": seq, "kind": "sale.completed", "terminal_code": terminal, "store_code": store,
        "created_at": now,
        "payload": {
            "sale_id": sale_id, "receipt_no": f"{store}-{terminal}-{seq:06d}", "business_day": now[:10],
            "sold_at": now, "clerk_code": "1001",
            "lines": [{"line_no": 1, "sku": "A1", "name": "商品", "quantity": 1, "unit_price": total,
                       "amount": total, "tax_class": "standard", "rate": 10}],
            "by_rate": [{"rate": 10, "taxable": total, "tax": total // 11}], "subtotal": total, "discount": 0,
            "total": total, "payments": [{"kind": "cash", "amount": total}],
        },
    }  # fmt: skip


def push(api: Api, headers: dict[str, str], events: list[dict[str, Any]], *, terminal: str = "01") -> Any:
    body = json.dumps({"protocol_version": 1, "terminal_code": terminal, "events": events}).encode()
    return api.client.post(
        "/v1/sync/push", content=gzip.compress(body),
        headers={**headers, "Content-Type": "application/json", "Content-Encoding": "gzip"},
    )  # fmt: skip


def test_a_device_cannot_push_for_another_store(api: Api) -> None:
    api.products(product("A1", 100))
    s2 = api.device("S002")
    answer = push(api, s2, [sale_event("S001")])
    assert answer.status_code == 200
    [result] = answer.json()["results"]
    assert result["status"] == "rejected" and "another store" in result["detail"]
    letters = api.client.get("/v1/sync/dead-letters", headers=api.device("S001")).json()
    assert letters == [], "a store sees only its own dead letters"
    assert len(api.client.get("/v1/sync/dead-letters", headers=api.admin).json()) == 1


def test_the_same_event_twice_is_a_duplicate_and_a_changed_copy_a_conflict(api: Api) -> None:
    api.products(product("A1", 100))
    device = api.device("S001")
    event = sale_event("S001")
    assert push(api, device, [event]).json()["results"][0]["status"] == "applied"
    assert push(api, device, [event]).json()["results"][0]["status"] == "duplicate"
    changed = {**event, "payload": {**event["payload"], "clerk_code": "9001"}}
    assert push(api, device, [changed]).json()["results"][0]["status"] == "conflict"


def test_pull_is_scoped_to_the_devices_store(api: Api) -> None:
    api.store("S001")
    api.store("S002", name="新宿店")
    page = api.client.get("/v1/sync/pull", headers=api.device("S002")).json()
    stores = {c["payload"]["code"] for c in page["changes"] if c["entity"] == "store"}
    assert stores == {"S002"}
    assert page["cursor"].count(":") == 1 and not page["resync"]


def test_asked_for_a_count_the_page_says_how_many_changes_are_left(api: Api) -> None:
    api.store("S001")
    api.store("S002", name="新宿店")
    device = api.device("S001")
    everything = api.client.get("/v1/sync/pull", params={"limit": 1000}, headers=device).json()
    assert "remaining" not in everything or everything["remaining"] is None, "only when asked"
    first = api.client.get("/v1/sync/pull", params={"limit": 1, "count": "true"}, headers=device).json()
    assert first["remaining"] == len(everything["changes"]) > 1, (
        "this store's and the chain's, this page included"
    )
    rest = api.client.get(
        "/v1/sync/pull", params={"cursor": first["cursor"], "limit": 1, "count": "true"}, headers=device
    ).json()
    assert rest["remaining"] == len(everything["changes"]) - 1


def test_a_cursor_from_another_epoch_or_the_future_means_resync(api: Api) -> None:
    device = api.device("S001")
    for cursor in ("someotherepoch:5", "garbage", f"{'0' * 32}:999999999"):
        page = api.client.get("/v1/sync/pull", params={"cursor": cursor}, headers=device).json()
        assert page["resync"] is True


def test_only_devices_push_and_pull(api: Api) -> None:
    for headers in (api.admin, api.channel):
        assert push(api, headers, []).status_code == 403
        assert api.client.get("/v1/sync/pull", headers=headers).status_code == 403
    assert api.client.post("/v1/sync/push", content=b"{}").status_code == 401


def test_hostile_bodies_are_refused_cleanly(api: Api) -> None:
    device = {**api.device("S001"), "Content-Type": "application/json"}
    body = gzip.compress(json.dumps({"terminal_code": "01", "events": []}).encode())
    for content, extra in (
        (body[: len(body) // 2], {"Content-Encoding": "gzip"}),  # cut off in transit
        (b"\x1f\x8b not gzip at all", {"Content-Encoding": "gzip"}),
        (gzip.compress(b"[" * 100_000), {"Content-Encoding": "gzip"}),
        (b'{"terminal_code": "01", "events": "lots"}', {}),
    ):
        answer = api.client.post("/v1/sync/push", content=content, headers={**device, **extra})
        assert answer.status_code == 422 or answer.status_code == 400, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")


def test_another_protocol_version_is_refused_with_426(api: Api) -> None:
    body = json.dumps({"protocol_version": 99, "terminal_code": "01", "events": []})
    answer = api.client.post("/v1/sync/push", content=body, headers=api.device("S001"))
    assert answer.status_code == 426


def test_the_bulk_path_and_the_careful_path_agree(api: Api, monkeypatch: Any) -> None:
    from sqlalchemy import func, select
    from sqlalchemy.exc import OperationalError

    from sync.server.changes.models import ChangeLog
    from sync.server.sales.models import StoreSale
    from sync.server.stock.models import StockLevel
    from sync.server.syncfeed import bulk

    api.products(product("A1", 100))
    device = api.device("S001")
    assert push(api, device, [sale_event("S001", seq=1)]).json()["results"][0]["status"] == "applied"

    def fail(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("INSERT", {}, Exception("injected"))

    monkeypatch.setattr(bulk, "_earn_points", fail)  # the bulk savepoint fails after it moved stock
    with api.session() as session:
        changes_before = session.scalar(
            select(func.count()).select_from(ChangeLog).where(ChangeLog.entity == "stock")
        )
    results = push(api, device, [sale_event("S001", seq=n) for n in (2, 3)]).json()["results"]
    assert [r["status"] for r in results] == ["applied", "applied"]
    with api.session() as session:
        assert session.scalar(select(func.count()).select_from(StoreSale)) == 3
        assert session.scalar(select(StockLevel.quantity)) == -3
        stock_changes = session.scalar(
            select(func.count()).select_from(ChangeLog).where(ChangeLog.entity == "stock")
        )
    assert changes_before is not None
    assert stock_changes == changes_before + 2, "the rolled-back bulk attempt must leave no change-feed rows"


def test_the_raw_json_page_says_what_the_model_page_says(api: Api) -> None:
    from sync.protocol.messages import PullReply
    from sync.server.syncfeed import feed

    api.store("S001")
    api.products(product("A1", 100, name='北海道バター "特選"'), product("A2", 200))
    with api.session() as session:
        model = feed.pull_page(session, cursor="", limit=3, store_code="S001")
        raw = PullReply.model_validate_json(
            feed.pull_page_json(session, cursor="", limit=3, store_code="S001")
        )
    assert raw.model_dump(exclude={"server_time"}) == model.model_dump(exclude={"server_time"})
    assert any(change.payload.get("name") == '北海道バター "特選"' for change in raw.changes)
