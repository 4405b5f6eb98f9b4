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
