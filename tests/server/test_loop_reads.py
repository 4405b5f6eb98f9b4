"""Look-ups on the event loop (db/loop_reads.py): the same answers as the thread path, without its hop.

On PostgreSQL the product look-up and a pull with nothing new run their one statement over the async
pool; these tests compare each with the same request served on a thread (the path SQLite always takes),
and check that the pool replaces a connection that died while idle.
"""

from __future__ import annotations

import functools
from typing import Any

import pytest
from sqlalchemy import String, column, text

from sync.server.changes.service import FEED_HEAD
from sync.server.db import session as db_session
from sync.server.db.loop_reads import APPLICATION_NAME
from sync.server.db.query import Query
from sync.server.deps import Database
from sync.server.products.router import PRODUCT_BY_SKU
from tests.server.conftest import Api, product, pull_to_end

pytestmark = pytest.mark.parametrize("api", ["pg"], indirect=True)


def _database(api: Api) -> Database:
    database: Database = api.client.app.state.database  # type: ignore[attr-defined]
    return database


def _on_thread(api: Api, path: str, headers: dict[str, str]) -> Any:
    """``path`` answered with the event-loop pool switched off, as SQLite answers it."""
    loop = _database(api).loop
    assert loop is not None and loop.opened
    loop.opened = False
    try:
        return api.client.get(path, headers=headers)
    finally:
        loop.opened = True


def test_a_product_looked_up_on_the_loop_is_the_one_the_thread_path_gives(api: Api) -> None:
    api.products(product("A1", 138, "reduced", jan="4901234567894"), product("B2", 1000, name_kana=""))
    for sku in ("A1", "B2", "NOPE"):
        on_loop = api.client.get(f"/v1/admin/products/{sku}", headers=api.admin)
        on_thread = _on_thread(api, f"/v1/admin/products/{sku}", api.admin)
        assert (on_loop.status_code, on_loop.json()) == (on_thread.status_code, on_thread.json())
    assert (
        api.client.get("/v1/admin/products/A1", headers=api.admin).json()["updated_at"].endswith("Z")
    )  # UTC, as every time of the API


def test_the_loop_rows_are_the_rows_core_gives(api: Api) -> None:
    api.products(product("A1", 138, "reduced"))
    with api.session() as session:
        for query, params in (
            (PRODUCT_BY_SKU, {"sku": "A1"}),
            (FEED_HEAD, {"store_code": "S001", "after": 0}),
            (FEED_HEAD, {"store_code": "S002", "after": 10**6}),
        ):
            core = [dict(row) for row in session.execute(query.statement, params).mappings()]
            fetch = functools.partial(_database(api).fetch_all, query, **params)
            assert api.client.portal.call(fetch) == core  # type: ignore[union-attr]


def test_an_idle_pull_on_the_loop_answers_as_the_full_pull_does(api: Api) -> None:
    api.products(product("A1", 138))
    device = api.device()
    cursor, _ = pull_to_end(api, device)
    for asked in (
        cursor,
        cursor.replace(cursor[:4], "0000"),
        cursor.rpartition(":")[0] + ":999999",
        "garbage",
    ):
        path = f"/v1/sync/pull?cursor={asked}"
        on_loop, on_thread = api.client.get(path, headers=device), _on_thread(api, path, device)
        assert on_loop.status_code == on_thread.status_code == 200
        loop_page, thread_page = on_loop.json(), on_thread.json()
        loop_page.pop("server_time"), thread_page.pop("server_time")
        assert loop_page == thread_page, asked
    api.products(product("A1", 150))  # something new: the loop's head sees it and the full pull serves it
    changed = api.client.get("/v1/sync/pull", params={"cursor": cursor}, headers=device).json()
    assert [change["key"] for change in changed["changes"]] == ["A1"]


def test_a_pooled_connection_that_died_while_idle_is_replaced(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    api.products(product("A1", 138))
    assert api.client.get("/v1/admin/products/A1", headers=api.admin).status_code == 200
    monkeypatch.setattr(db_session, "IDLE_PING_SECONDS", 0.0)  # every returned connection now counts as idle
    with api.session() as session:
        killed = session.scalar(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE application_name = :name AND datname = current_database()"  # this test's pool only
            ),
            {"name": APPLICATION_NAME},
        )
        session.commit()
    assert killed >= 1
    answer = api.client.get("/v1/admin/products/A1", headers=api.admin)
    assert answer.status_code == 200 and answer.json()["sku"] == "A1"


def _access_log(api: Api) -> list[tuple[Any, ...]]:
    with api.session() as session:
        return [
            tuple(row)
            for row in session.execute(
                text(
                    "SELECT customer_id, caller_kind, caller_id, store_code, action, query "
                    "FROM customer_access_log ORDER BY id"
                )
            )
        ]


def test_a_customer_search_on_the_loop_answers_and_logs_as_the_thread_path(api: Api) -> None:
    device = api.device()
    api.customer(member_no="10000001", phone="03-1234-5678", email="taro@example.jp")
    other = api.customer(name="山田花子2", name_kana="ヤマダハナコ", member_no="10000002")
    api.give_points(other["id"], 120)
    for q in (
        "10000001",
        "０３１２３４５６７８",
        "山田",
        "TARO@example.jp",
        "ヤマダ",
        "nobody",
        "10%_",
        "2",
        "子2",
    ):
        before = _access_log(api)
        on_loop = api.client.get("/v1/customers", params={"q": q}, headers=device)
        logged_on_loop = _access_log(api)[len(before) :]
        on_thread = _on_thread(api, f"/v1/customers?q={q}", device)
        logged_on_thread = _access_log(api)[len(before) + len(logged_on_loop) :]
        assert on_loop.status_code == on_thread.status_code == 200, q
        assert on_loop.json() == on_thread.json(), q
        assert logged_on_loop == logged_on_thread, q
    assert [c["points_balance"] for c in api.client.get("/v1/customers?q=ヤマダ", headers=device).json()] == [
        0,
        120,
    ]


def test_stock_looked_up_on_the_loop_is_what_the_thread_path_gives(api: Api) -> None:
    api.products(product("A1", 138), product("B2", 200))
    api.store("S002", "新宿店")
    moved = api.client.post(
        "/v1/admin/stock",
        json={"location": "S002", "sku": "A1", "delta": 7, "reason": "receive"},
        headers=api.admin,
    )
    assert moved.status_code == 201, moved.text
    device = api.device()
    for sku in ("A1", "B2", "NOPE"):
        on_loop = api.client.get(f"/v1/stock/{sku}", headers=device)
        on_thread = _on_thread(api, f"/v1/stock/{sku}", device)
        assert (on_loop.status_code, on_loop.json()) == (on_thread.status_code, on_thread.json()), sku
    levels = {
        level["location"]: level["quantity"]
        for level in api.client.get("/v1/stock/A1", headers=device).json()["levels"]
    }
    assert levels["S002"] == 7 and levels["S001"] == 0


def test_a_profile_on_the_loop_follows_merges_and_logs_as_the_thread_path(api: Api) -> None:
    device = api.device()
    first = api.customer(member_no="10000001")
    second = api.customer(member_no="10000002", name="山田次郎")
    third = api.customer(member_no="10000003", name="山田三郎")
    api.give_points(second["id"], 40)
    for source, target in ((first, second), (second, third)):  # first → second → third
        merged = api.client.post(
            "/v1/admin/customers/merge",
            json={"survivor_id": target["id"], "duplicate_id": source["id"]},
            headers=api.admin,
        )
        assert merged.status_code == 200, merged.text
    for customer_id in (first["id"], second["id"], third["id"], 999_999):
        before = _access_log(api)
        on_loop = api.client.get(f"/v1/customers/{customer_id}", headers=device)
        logged_on_loop = _access_log(api)[len(before) :]
        on_thread = _on_thread(api, f"/v1/customers/{customer_id}", device)
        logged_on_thread = _access_log(api)[len(before) + len(logged_on_loop) :]
        assert (on_loop.status_code, on_loop.json()) == (on_thread.status_code, on_thread.json()), customer_id
        assert logged_on_loop == logged_on_thread, customer_id
    survivor = api.client.get(f"/v1/customers/{first['id']}", headers=device).json()
    assert survivor["id"] == third["id"] and survivor["points_balance"] == 40


def test_a_terminal_idle_while_other_stores_write_pulls_on_the_loop(api: Api, hops: list[str]) -> None:
    api.products(product("A1", 138))
    api.store("S002", "新宿店")
    device = api.device("S001")
    cursor, _ = pull_to_end(api, device)
    moved = {"location": "S002", "sku": "A1", "delta": 3, "reason": "receive"}
    assert api.client.post("/v1/admin/stock", json=moved, headers=api.admin).status_code == 201
    cursor = api.client.get("/v1/sync/pull", params={"cursor": cursor}, headers=device).json()["cursor"]
    hops.clear()
    page = api.client.get("/v1/sync/pull", params={"cursor": cursor}, headers=device).json()
    assert page["changes"] == [] and page["cursor"] == cursor and hops == []


def test_a_terminal_behind_other_stores_changes_is_answered_on_the_loop_until_its_own_come(
    api: Api, hops: list[str]
) -> None:
    api.products(product("A1", 138))
    api.store("S002", "新宿店")
    device = api.device("S001")
    cursor, _ = pull_to_end(api, device)

    def pull(after: str) -> dict[str, Any]:
        answer = api.client.get("/v1/sync/pull", params={"cursor": after}, headers=device)
        assert answer.status_code == 200, answer.text
        page: dict[str, Any] = answer.json()
        return page

    def move(store: str, delta: int) -> None:
        moved = {"location": store, "sku": "A1", "delta": delta, "reason": "receive"}
        assert api.client.post("/v1/admin/stock", json=moved, headers=api.admin).status_code == 201

    move("S002", 3)  # another store's change after the cursor: nothing for this terminal
    hops.clear()
    page = pull(cursor)
    assert (page["changes"], page["cursor"], page["resync"], hops) == ([], cursor, False, [])

    move("S001", 5)  # its own store's: read on a thread, and the cursor moves past the other store's too
    page = pull(cursor)
    assert [(c["entity"], c["key"], c["payload"]["location"]) for c in page["changes"]] == [
        ("stock", "S001:A1", "S001")
    ]
    assert page["cursor"] != cursor and hops
    cursor = page["cursor"]

    api.products(product("A1", 150))  # a chain-wide change after the cursor is not missed either
    assert [c["key"] for c in pull(cursor)["changes"]] == ["A1"]


def test_the_loop_pool_alone_commits_without_waiting_for_the_disk(api: Api) -> None:
    """Its only writes are access-log rows (docs/security.md says what a database crash can cost);
    every other write of the server is flushed to disk before it is answered."""
    loop = _database(api).loop
    assert loop is not None
    setting = Query.of(text("SHOW synchronous_commit").columns(column("synchronous_commit", String)))
    assert api.client.portal.call(loop.fetch_all, setting, {}) == [{"synchronous_commit": "off"}]  # type: ignore[union-attr]
    with api.session() as session:
        assert session.scalar(text("SHOW synchronous_commit")) == "on"
