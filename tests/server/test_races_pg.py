"""Races the online shop and the pairing of registers run into, with real concurrent requests.

Before, on PostgreSQL: ten concurrent sends of one order got one 200 and nine 409 "in use"; ten
concurrent first orders of a new e-mail made ten customers (splitting their points); concurrent
pairings gave two registers one number, and past 99 every register was "99".
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from sync.server.auth import service as auth_service
from sync.server.auth.models import Device
from sync.server.channel.models import OnlineOrder
from sync.server.customers.models import Customer
from sync.server.points import service as points_service
from sync.server.stores.models import Store
from tests.server.conftest import Api, product

CONCURRENT = 10


def _order(order_id: str, email: str) -> dict[str, Any]:
    return {
        "order_id": order_id,
        "customer": {"email": email, "name": "新規 花子"},
        "ordered_at": "2026-12-02T10:00:00+09:00",
        "lines": [{"sku": "TEA", "qty": 2, "unit_price": 150}],
        "fulfilment": {"type": "ship"},
    }


def _at_once(count: int, send: Any) -> list[Any]:
    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(send, range(count)))


def test_ten_concurrent_sends_of_one_order_all_get_the_stored_answer(api: Api) -> None:
    api.products(product("TEA", 150, "reduced"))
    channel = api.channel
    order = _order("WEB-RACE-1", "same.order@example.jp")
    answers = _at_once(
        CONCURRENT, lambda _: api.client.post("/v1/channel/orders", json=order, headers=channel)
    )
    assert [a.status_code for a in answers] == [200] * CONCURRENT, [a.text for a in answers]
    assert len({a.text for a in answers}) == 1  # the same body gets the same answer
    with api.session() as session:
        assert session.scalar(select(func.count()).select_from(OnlineOrder)) == 1
        customer_id = answers[0].json()["customer_id"]
        assert points_service.balance(session, customer_id=customer_id) == answers[0].json()["points_earned"]


def test_ten_concurrent_first_orders_of_a_new_email_make_one_customer(api: Api) -> None:
    api.products(product("TEA", 150, "reduced"))
    channel = api.channel
    answers = _at_once(
        CONCURRENT,
        lambda n: api.client.post(
            "/v1/channel/orders", json=_order(f"WEB-NEW-{n}", "New.Member@Example.jp"), headers=channel
        ),
    )
    assert [a.status_code for a in answers] == [200] * CONCURRENT, [a.text for a in answers]
    assert len({a.json()["customer_id"] for a in answers}) == 1
    with api.session() as session:
        customers = session.scalars(select(Customer).where(Customer.email == "new.member@example.jp")).all()
        assert len(customers) == 1
        earned = sum(a.json()["points_earned"] for a in answers)
        assert points_service.balance(session, customer_id=customers[0].id) == earned


def test_ten_concurrent_first_orders_of_a_new_phone_make_one_customer(api: Api) -> None:
    api.products(product("TEA", 150, "reduced"))
    channel = api.channel

    def send(n: int) -> Any:
        order = _order(f"WEB-TEL-{n}", "unused@example.jp")
        # the same number written differently: normalised to one key
        order["customer"] = {"phone": "090-1234-5678" if n % 2 else "０９０１２３４５６７８"}
        return api.client.post("/v1/channel/orders", json=order, headers=channel)

    answers = _at_once(CONCURRENT, send)
    assert [a.status_code for a in answers] == [200] * CONCURRENT, [a.text for a in answers]
    assert len({a.json()["customer_id"] for a in answers}) == 1


def _pair(api: Api, store: str) -> Any:
    code = api.client.post(f"/v1/admin/stores/{store}/pairing-codes", headers=api.admin).json()["code"]
    return lambda _: api.client.post("/v1/devices/pair", json={"pairing_code": code, "device_name": "レジ"})


def test_concurrent_pairings_of_one_store_get_distinct_register_numbers(api: Api) -> None:
    api.store("S001")
    api.store("S002")
    pairings = [_pair(api, "S001") for _ in range(CONCURRENT)] + [_pair(api, "S002")]
    answers = _at_once(len(pairings), lambda n: pairings[n](n))
    assert [a.status_code for a in answers] == [201] * len(pairings), [a.text for a in answers]
    numbers = sorted(a.json()["terminal_code"] for a in answers[:CONCURRENT])
    assert numbers == [f"{n:02d}" for n in range(1, CONCURRENT + 1)]
    assert answers[-1].json()["terminal_code"] == "01"  # numbered per store


def test_past_99_registers_get_three_digit_numbers(api: Api) -> None:
    api.store("S001")
    with api.session() as session:
        store = session.scalars(select(Store).where(Store.code == "S001")).one()
        for _ in range(99):
            code, _row = auth_service.create_pairing_code(session, store=store, minutes=5)
            auth_service.pair_device(session, pairing_code=code, device_name="レジ")
        session.commit()
    numbers = [_pair(api, "S001")(0).json()["terminal_code"] for _ in range(2)]
    assert numbers == ["100", "101"]
    listed = api.client.get("/v1/admin/devices", headers=api.admin).json()
    assert sorted(d["terminal_code"] for d in listed) == sorted(f"{n:02d}" for n in range(1, 102))


def test_the_database_refuses_a_second_device_with_the_same_register_number(api: Api) -> None:
    api.device("S001")
    with api.session() as session:
        first = session.scalars(select(Device)).one()
        session.add(
            Device(id="d" * 36, store_id=first.store_id, name="copy", token_hash="0" * 64, register_no=1)
        )
        with pytest.raises(IntegrityError):
            session.flush()


@pytest.mark.pg
@pytest.mark.parametrize("api", [pytest.param("pg", marks=pytest.mark.pg)], indirect=True)
def test_resends_racing_a_slow_first_send_wait_for_its_answer(api: Api) -> None:
    """The first send holds its transaction open; the resends answer once it committed, with its answer."""
    api.products(product("TEA", 150, "reduced"))
    order = _order("WEB-SLOW-1", "slow@example.jp")
    channel = api.channel
    from sync.server.channel import service

    place = service.place_order
    first = {"done": False}

    def slow_place(session: Any, **kwargs: Any) -> Any:
        answer = place(session, **kwargs)
        if not first["done"]:
            first["done"] = True
            import time

            time.sleep(1.0)  # the order is stored, not yet committed, while the resends arrive
        return answer

    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setattr(service, "place_order", slow_place)
    try:
        started = datetime.now(UTC)
        answers = _at_once(4, lambda _: api.client.post("/v1/channel/orders", json=order, headers=channel))
    finally:
        monkeypatch.undo()
    assert [a.status_code for a in answers] == [200] * 4, [a.text for a in answers]
    assert len({a.text for a in answers}) == 1
    assert (datetime.now(UTC) - started).total_seconds() >= 1.0


@pytest.fixture(scope="module")
def live(pg_migrated: str, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A real ``posapp-server run`` process on PostgreSQL with a store, a product and a channel key."""
    from sqlalchemy.orm import Session

    from sync.server.db.session import make_engine
    from tests.server.conftest import truncate_all
    from tests.sync.conftest import LiveServer

    engine = make_engine(pg_migrated)
    truncate_all(engine)
    with Session(engine) as session:
        token = auth_service.create_admin_token(session, label="races")
        session.commit()
    engine.dispose()
    server = LiveServer(pg_migrated, tmp_path_factory.mktemp("live"), admin_token=token)
    server.start()
    try:
        server.call("POST", "/v1/admin/stores", json={"code": "S001", "name": "渋谷店",
                    "registration_number": "T7000012050002", "timezone": "Asia/Tokyo"})  # fmt: skip
        server.call("POST", "/v1/admin/products", json=[product("A1", 138), product("TEA", 150, "reduced")])
        yield server
    finally:
        server.stop()


def _requests_at_once(count: int, send: Any) -> list[Any]:
    import threading

    start = threading.Barrier(count)

    def go(n: int) -> Any:
        start.wait()  # released together: the requests really overlap
        return send(n)

    return _at_once(count, go)


@pytest.mark.pg
def test_real_server_concurrent_order_sends_and_first_orders(live: Any) -> None:
    import requests

    channel = {
        "Authorization": f"Bearer {live.call('POST', '/v1/admin/channels', json={'name': 'web'})['api_key']}"
    }
    same = _order("LIVE-SAME-1", "live.same@example.jp")
    sends = _requests_at_once(
        CONCURRENT,
        lambda _: requests.post(live.url + "/v1/channel/orders", json=same, headers=channel, timeout=60),
    )
    assert [a.status_code for a in sends] == [200] * CONCURRENT, [a.text for a in sends]
    assert len({a.text for a in sends}) == 1
    firsts = _requests_at_once(
        CONCURRENT,
        lambda n: requests.post(
            live.url + "/v1/channel/orders",
            json=_order(f"LIVE-NEW-{n}", "live.new@example.jp"),
            headers=channel,
            timeout=60,
        ),
    )
    assert [a.status_code for a in firsts] == [200] * CONCURRENT, [a.text for a in firsts]
    assert len({a.json()["customer_id"] for a in firsts}) == 1
    with live.session() as session:
        assert (
            session.scalar(
                select(func.count()).select_from(Customer).where(Customer.email == "live.new@example.jp")
            )
            == 1
        )


@pytest.mark.pg
def test_real_server_concurrent_pairings_and_identical_pushes(live: Any) -> None:
    import requests

    from tests.server.terminal_events import Line, Till

    codes = [live.call("POST", "/v1/admin/stores/S001/pairing-codes")["code"] for _ in range(6)]
    pairings = _requests_at_once(
        6, lambda n: requests.post(live.url + "/v1/devices/pair",
                                   json={"pairing_code": codes[n], "device_name": "レジ"}, timeout=60),
    )  # fmt: skip
    assert [a.status_code for a in pairings] == [201] * 6, [a.text for a in pairings]
    assert len({a.json()["terminal_code"] for a in pairings}) == 6
    device = {"Authorization": f"Bearer {pairings[0].json()['token']}"}
    till = Till(terminal=pairings[0].json()["terminal_code"])
    body = {"protocol_version": 1, "terminal_code": till.terminal,
            "events": [till.sale(Line("A1", 138)) for _ in range(50)]}  # fmt: skip
    pushes = _requests_at_once(
        2, lambda _: requests.post(live.url + "/v1/sync/push", json=body, headers=device, timeout=60)
    )
    assert [a.status_code for a in pushes] == [200, 200], [a.text for a in pushes]
    for first, second in zip(*[a.json()["results"] for a in pushes], strict=True):
        assert sorted([first["status"], second["status"]]) == ["applied", "duplicate"]


def test_concurrent_registrations_of_one_member_number_make_one_member(api: Api) -> None:
    device = api.device("S001")
    body = {"name": "山田太郎", "name_kana": "ヤマダタロウ", "member_no": "900000000001"}
    answers = _at_once(CONCURRENT, lambda _: api.client.post("/v1/customers", json=body, headers=device))
    assert sorted(a.status_code for a in answers) == [201] + [409] * (CONCURRENT - 1), [
        a.text for a in answers
    ]
