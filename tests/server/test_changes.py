"""The change feed: every terminal-cached write is logged, and a polling reader never skips a row."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from sync.server.changes.service import (
    latest_change_id,
    read_changes,
    record_change,
    server_epoch,
    write_pending,
)
from sync.server.db.session import make_engine, make_session_factory
from tests.server.conftest import Api, product, pull_to_end, truncate_all


def test_writes_of_cached_data_reach_the_feed(api: Api) -> None:
    api.store("S001")
    api.products(product("A1", 100))
    api.client.post(
        "/v1/admin/clerks",
        json={"store": "S001", "code": "1001", "name": "佐藤", "pin": "1234", "role": "cashier"},
        headers=api.admin,
    )
    customer = api.customer()
    api.give_points(customer["id"], 5)
    api.client.post(
        "/v1/admin/stock",
        json={"location": "S001", "sku": "A1", "delta": 3, "reason": "入荷"},
        headers=api.admin,
    )
    with api.session() as session:
        for_s001 = read_changes(session, after=0, limit=1000, store_code="S001")
        for_s002 = read_changes(session, after=0, limit=1000, store_code="S002")
        epoch = server_epoch(session)
    entities = {change.entity for change in for_s001}
    assert entities >= {"store", "product", "clerk", "customer", "points_balance", "stock"}
    clerk = next(change for change in for_s001 if change.entity == "clerk")
    assert clerk.payload["pin_hash"].startswith("scrypt$")
    assert not any(change.store_code == "S001" for change in for_s002)
    ids = [change.id for change in for_s001]
    assert ids == sorted(ids)
    assert len(epoch) == 32


def test_a_rolled_back_write_leaves_no_change(api: Api) -> None:
    with api.session() as session:
        before = latest_change_id(session)
        record_change(session, entity="product", key="X", store_code=None, payload={})
        session.rollback()
        session.commit()
        assert latest_change_id(session) == before


def test_bad_request_leaves_no_partial_write(api: Api) -> None:
    with api.session() as session:
        before = latest_change_id(session)
    assert (
        api.client.post(
            "/v1/admin/products", json=[product("A1", 1), product("A2", -1)], headers=api.admin
        ).status_code
        == 422
    )
    with api.session() as session:
        assert latest_change_id(session) == before


@pytest.fixture
def pg_sessions(pg_migrated: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(pg_migrated)
    truncate_all(engine)
    yield make_session_factory(engine)
    engine.dispose()


@pytest.mark.pg
def test_reader_gets_both_rows_when_transactions_commit_out_of_order(
    pg_sessions: sessionmaker[Session],
) -> None:
    first, second, reader = pg_sessions(), pg_sessions(), pg_sessions()
    record_change(first, entity="product", key="first", store_code=None, payload={})
    first.execute(text("SELECT 1"))  # the first transaction is open and started first
    record_change(second, entity="product", key="second", store_code=None, payload={})
    second.commit()  # ... but the second commits first
    seen = read_changes(reader, after=0, limit=100, store_code=None)
    reader.commit()
    assert [change.key for change in seen] == ["second"]
    first.commit()
    seen += read_changes(reader, after=seen[-1].id, limit=100, store_code=None)
    assert [change.key for change in seen] == ["second", "first"]
    for session in (first, second, reader):
        session.close()


@pytest.mark.pg
def test_polling_reader_misses_nothing_under_concurrent_writers(pg_sessions: sessionmaker[Session]) -> None:
    writers, per_writer = 6, 25

    def write(number: int) -> None:
        for index in range(per_writer):
            with pg_sessions() as session:
                record_change(session, entity="product", key=f"{number}:{index}", store_code=None, payload={})
                session.commit()

    threads = [threading.Thread(target=write, args=(number,)) for number in range(writers)]
    for thread in threads:
        thread.start()
    seen: list[str] = []
    cursor = 0

    def poll() -> None:
        nonlocal cursor
        with pg_sessions() as session:
            for change in read_changes(session, after=cursor, limit=1000, store_code=None):
                seen.append(change.key)
                cursor = change.id

    while any(thread.is_alive() for thread in threads):
        poll()
    for thread in threads:
        thread.join()
    poll()
    assert sorted(seen) == sorted(f"{n}:{i}" for n in range(writers) for i in range(per_writer))


def test_a_rolled_back_savepoint_forgets_only_its_own_changes(api: Api) -> None:
    with api.session() as session:
        before = latest_change_id(session)
        record_change(session, entity="product", key="kept", store_code=None, payload={})
        # The refusal raised inside the savepoint is what this test is about.
        with pytest.raises(ValueError, match="refused event"), session.begin_nested():  # noqa: PT012
            record_change(session, entity="product", key="dropped", store_code=None, payload={})
            raise ValueError("one refused event in a batch")
        with session.begin_nested():
            record_change(session, entity="product", key="also kept", store_code=None, payload={})
        session.commit()
        keys = [change.key for change in read_changes(session, after=before, limit=10, store_code=None)]
    assert keys == ["kept", "also kept"]


@pytest.mark.pg
def test_a_released_savepoint_does_not_take_the_change_log_lock(pg_sessions: sessionmaker[Session]) -> None:
    # Holding the lock from a savepoint's release to the commit let two writers deadlock under load.
    writer, other = pg_sessions(), pg_sessions()
    with writer.begin_nested():
        record_change(writer, entity="product", key="inside", store_code=None, payload={})
    held = writer.execute(
        text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()")
    ).scalar_one()
    assert held == 0
    record_change(other, entity="product", key="other", store_code=None, payload={})
    other.commit()  # would wait for the writer's lock if the savepoint had taken it
    writer.commit()
    seen = read_changes(other, after=0, limit=100, store_code=None)
    assert [change.key for change in seen] == ["other", "inside"]
    writer.close()
    other.close()


@pytest.mark.parametrize("api", ["pg"], indirect=True)
def test_a_pull_between_out_of_order_commits_stops_before_the_uncommitted_id(api: Api) -> None:
    device = api.device("S001")
    cursor = api.client.get("/v1/sync/pull", headers=device).json()["cursor"]
    while True:  # the store's own rows: read them all first
        page = api.client.get("/v1/sync/pull", params={"cursor": cursor}, headers=device).json()
        cursor = page["cursor"]
        if not page["has_more"]:
            break
    early, late = api.session(), api.session()
    try:
        record_change(early, entity="product", key="early", store_code=None, payload={})
        write_pending(early)  # its id is taken, its commit still to come
        early_id = early.execute(text("SELECT max(id) FROM change_log")).scalar_one()
        late.execute(text("SET lock_timeout = '5s'"))  # a writer waiting for the early one would hang here
        record_change(late, entity="product", key="late", store_code="S001", payload={})
        late.commit()  # the larger id commits first
        between = api.client.get("/v1/sync/pull", params={"cursor": cursor}, headers=device).json()
        assert between["changes"] == []
        assert int(between["cursor"].rpartition(":")[2]) < early_id
        early.commit()
    finally:
        early.close()
        late.close()
    after = api.client.get("/v1/sync/pull", params={"cursor": between["cursor"]}, headers=device).json()
    assert [change["key"] for change in after["changes"]] == ["early", "late"]


@pytest.mark.parametrize("api", ["pg"], indirect=True)
def test_writers_of_different_stores_do_not_wait_for_each_other(api: Api) -> None:
    api.store("S001")
    api.store("S002")
    holding = api.session()
    record_change(holding, entity="stock", key="S001:A1", store_code="S001", payload={})
    write_pending(holding)  # written, as at its commit, and held open
    committed = threading.Event()

    def other_store() -> None:
        with api.session() as session:
            session.execute(text("SET lock_timeout = '5s'"))  # never hang the suite
            record_change(session, entity="stock", key="S002:A1", store_code="S002", payload={})
            session.commit()
            committed.set()

    started = time.monotonic()
    writer = threading.Thread(target=other_store)
    try:
        writer.start()
        writer.join(10)
        waited = time.monotonic() - started
    finally:
        holding.rollback()
        holding.close()
    assert committed.is_set(), "the other store's commit waited for the open writer"
    assert waited < 2


@pytest.mark.pg
def test_the_sequence_hands_ids_out_one_at_a_time(pg_sessions: sessionmaker[Session]) -> None:
    # The safe bound's proof needs it: a backend's cached block would hand out ids below the bound.
    with pg_sessions() as session:
        cache = session.execute(
            text("SELECT cache_size FROM pg_sequences WHERE sequencename = 'change_log_id_seq'")
        ).scalar_one()
    assert cache == 1


def test_a_pull_past_other_stores_changes_skips_none_of_its_own(api: Api) -> None:
    api.products(product("A1", 138))
    api.store("S002", "新宿店")
    device = api.device("S001")
    cursor, _ = pull_to_end(api, device)
    for delta in (3, 4):  # changes only S002's terminals receive
        moved = {"location": "S002", "sku": "A1", "delta": delta, "reason": "receive"}
        assert api.client.post("/v1/admin/stock", json=moved, headers=api.admin).status_code == 201
    with api.session() as session:
        newest = session.execute(text("SELECT max(id) FROM change_log")).scalar_one()
    after, keys = pull_to_end(api, device, cursor)
    # A page read on a thread moves the cursor past them (the next one need not scan them again); on
    # PostgreSQL the feed's head says nothing for S001 came, and the idle answer keeps the cursor.
    kept = api.backend == "pg"
    position = int(after.rpartition(":")[2])
    assert keys == [] and position == (int(cursor.rpartition(":")[2]) if kept else newest)
    moved = {"location": "S001", "sku": "A1", "delta": 5, "reason": "receive"}
    assert api.client.post("/v1/admin/stock", json=moved, headers=api.admin).status_code == 201
    assert pull_to_end(api, device, after)[1] == ["S001:A1"]  # nothing of its own is skipped


def test_a_rolled_back_writer_never_sends_a_terminal_to_resync(api: Api) -> None:
    device = api.device("S001")
    cursor, _ = pull_to_end(api, device)
    with api.session() as session:
        record_change(session, entity="product", key="never", store_code=None, payload={})
        write_pending(session)  # takes ids from the sequence, then rolls back
        session.rollback()
    for _ in range(2):
        cursor, keys = pull_to_end(api, device, cursor)  # asserts no resync
        assert keys == []
