"""Poison pills: one event a hostile or broken terminal sends never fails its push nor blocks its
later sales. Each case is pushed over HTTP on SQLite and PostgreSQL between two honest sales.

Before: each of these answered 500 for the whole batch (on PostgreSQL; SQLite silently stored
over-long ids and naive times), and the terminal resent the batch for ever.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from sync.protocol.events import MemberRegistered, SaleCompleted
from sync.server.customers.models import Customer
from sync.server.points import service as points_service
from sync.server.sales.models import StoreSale
from sync.server.syncfeed.models import DeadLetter, ReceivedEvent
from tests.server.conftest import Api, product
from tests.server.terminal_events import Line, Till, careful_only, push, results

INT32_MAX = 2**31 - 1


@pytest.fixture
def shop(api: Api) -> Api:
    api.products(product("A1", 138), product("BIG", 99_999_999))
    return api


def _between_honest_sales(api: Api, poison: dict[str, Any], till: Till) -> list[Any]:
    """Push an honest sale, ``poison``, another honest sale: the push answers 200, both sales apply."""
    first, last = till.sale(Line("A1", 138)), till.sale(Line("A1", 138))
    answer = results(api, api.device(till.store), [first, poison, last], terminal=till.terminal)
    assert [answer[0]["status"], answer[2]["status"]] == ["applied", "applied"], answer
    assert answer[1]["id"] == poison["id"]
    return list(answer)


def _dead_letter(api: Api, event_id: str) -> dict[str, Any]:
    letters = api.client.get("/v1/sync/dead-letters", headers=api.device()).json()
    found = [letter for letter in letters if letter["event_id"] == event_id[:36]]
    assert found, letters
    return dict(found[0])


@pytest.mark.parametrize("length", [37, 40])
def test_a_sale_id_longer_than_its_column_is_refused_with_its_reason(shop: Api, length: int) -> None:
    till = Till()
    poison = till.sale(Line("A1", 138))
    poison["payload"]["sale_id"] = "S" * length
    answer = _between_honest_sales(shop, poison, till)
    assert answer[1]["status"] == "rejected"
    assert "sale_id" in answer[1]["detail"] and "36" in answer[1]["detail"]
    assert _dead_letter(shop, poison["id"])["reason"] == "rejected"
    with shop.session() as session:
        assert session.get(StoreSale, "S" * length) is None


def test_a_sale_id_of_exactly_36_characters_is_stored(shop: Api) -> None:
    till = Till()
    sale = till.sale(Line("A1", 138))
    sale["payload"]["sale_id"] = "X" * 36
    assert results(shop, shop.device(), [sale])[0]["status"] == "applied"


@pytest.mark.parametrize(
    "where",
    ["line name", "receipt number", "payment reference", "payload key", "envelope terminal", "member name"],
)
def test_a_nul_in_any_text_is_refused_alone(shop: Api, where: str) -> None:
    till = Till()
    poison = till.sale(Line("A1", 138))
    payload = poison["payload"]
    if where == "line name":
        payload["lines"][0]["name"] = "お茶\x00"
    elif where == "receipt number":
        payload["receipt_no"] = "S001\x00-01"
    elif where == "payment reference":
        payload["payments"][0]["reference"] = "\x00"
    elif where == "payload key":
        payload["note\x00"] = "x"
    elif where == "envelope terminal":
        poison["terminal_code"] = "0\x001"
    else:
        poison = till.envelope(
            "member.registered",
            {"member_no": "M1", "name": "山田\x00", "registered_at": datetime.now(UTC).isoformat()},
        )
    answer = _between_honest_sales(shop, poison, till)
    assert answer[1]["status"] == "rejected" and "NUL" in answer[1]["detail"], answer[1]
    kept = _dead_letter(shop, poison["id"])
    assert "\x00" not in str(kept["envelope"])  # kept for people, cleaned so any database stores it


def test_a_naive_created_at_is_refused_at_validation(shop: Api) -> None:
    till = Till()
    poison = till.sale(Line("A1", 138))
    poison["created_at"] = "2026-12-02T10:00:00"
    answer = _between_honest_sales(shop, poison, till)
    assert answer[1]["status"] == "rejected" and "created_at" in answer[1]["detail"]
    assert "timezone" in answer[1]["detail"]


@pytest.mark.parametrize("seq", [2**31, 2**40, 2**70])
def test_a_sequence_number_beyond_32_bits_is_refused(shop: Api, seq: int) -> None:
    till = Till()
    poison = till.sale(Line("A1", 138))
    poison["seq"] = seq
    answer = _between_honest_sales(shop, poison, till)
    assert answer[1]["status"] == "rejected" and "seq" in answer[1]["detail"]


def test_an_id_that_is_not_an_event_id_is_refused_and_answered_with_what_was_sent(shop: Api) -> None:
    till = Till()
    poison = till.sale(Line("A1", 138))
    poison["id"] = poison["id"] + "0000"  # 40 characters: ids are UUIDs
    answer = _between_honest_sales(shop, poison, till)
    assert answer[1] == {"id": poison["id"], "status": "rejected", "detail": answer[1]["detail"], "flags": []}
    _dead_letter(shop, poison["id"])


def test_numbers_json_cannot_keep_are_refused(shop: Api) -> None:
    till = Till()
    huge = till.sale(Line("A1", 138))
    huge["payload"]["extra"] = 2**64
    answer = _between_honest_sales(shop, huge, till)
    assert answer[1]["status"] == "rejected" and "64 bits" in answer[1]["detail"]


def test_a_total_beyond_32_bits_is_stored_in_full(shop: Api) -> None:
    """22 × ¥99,999,999 is ¥2,199,999,978: past PostgreSQL's ``integer``, within the protocol's bound.

    No till can take that much (20 tenders of at most ¥99,999,999 each), so the sale claims ¥1,000
    paid: it is stored with the server's total, flagged."""
    till = Till()
    sale = till.sale(Line("BIG", 99_999_999, quantity=22))
    assert sale["payload"]["total"] > INT32_MAX
    sale["payload"].update(total=1_000, payments=[{"kind": "cash", "amount": 1_000}])
    answer = _between_honest_sales(shop, sale, till)
    assert answer[1]["status"] == "applied" and "total_differs" in answer[1]["flags"], answer[1]
    with shop.session() as session:
        assert session.get_one(StoreSale, sale["payload"]["sale_id"]).total == 2_199_999_978


def test_a_total_beyond_the_protocol_bound_is_refused(shop: Api) -> None:
    till = Till()
    poison = till.sale(Line("A1", 138))
    poison["payload"]["total"] = 10**10 + 1
    answer = _between_honest_sales(shop, poison, till)
    assert answer[1]["status"] == "rejected" and "total" in answer[1]["detail"]


def test_a_member_name_longer_than_its_column_is_refused(shop: Api) -> None:
    till = Till()
    poison = till.envelope(
        "member.registered",
        {"member_no": "M2", "name": "あ" * 101, "registered_at": datetime.now(UTC).isoformat()},
    )
    answer = _between_honest_sales(shop, poison, till)
    assert answer[1]["status"] == "rejected" and "name" in answer[1]["detail"]
    with shop.session() as session:
        assert session.scalar(select(Customer).where(Customer.member_no == "M2")) is None


@pytest.mark.parametrize("careful", [False, True], ids=["bulk", "careful"])
def test_the_same_event_twice_in_one_batch_is_answered_as_a_duplicate(
    shop: Api, careful: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if careful:
        careful_only(monkeypatch)
    till = Till()
    sale = till.sale(Line("A1", 138))
    other = till.sale(Line("A1", 138))
    changed = {**other, "payload": {**other["payload"], "total": 1}}
    answer = results(shop, shop.device(), [sale, sale, other, changed, till.sale(Line("A1", 138))])
    assert [r["status"] for r in answer] == ["applied", "duplicate", "applied", "conflict", "applied"]
    with shop.session() as session:
        assert session.scalar(select(func.count()).select_from(StoreSale)) == 3


def test_two_identical_pushes_at_the_same_moment_both_get_correct_answers(shop: Api) -> None:
    till = Till()
    events = [till.sale(Line("A1", 138)) for _ in range(20)]
    device = shop.device()
    shop.client.get("/v1/sync/pull", headers=device)  # the device's contact is noted before the race

    def send(_: int) -> Any:
        return push(shop, device, events)

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(send, range(2)))
    assert [a.status_code for a in answers] == [200, 200], [a.text for a in answers]
    statuses = [[r["status"] for r in a.json()["results"]] for a in answers]
    for first, second in zip(*statuses, strict=True):
        assert sorted([first, second]) == ["applied", "duplicate"], statuses
    with shop.session() as session:
        assert session.scalar(select(func.count()).select_from(StoreSale)) == 20
        assert session.scalar(select(func.count()).select_from(ReceivedEvent)) == 20
        assert session.scalar(select(func.count()).select_from(DeadLetter)) == 0


def test_a_balance_at_the_integer_limit_never_makes_later_pushes_or_orders_fail(shop: Api) -> None:
    """S001 pumps a member to 2^31 − 1 points; S002's sale to them and an online order still work."""
    member = shop.customer(email="pumped@example.jp")
    shop.give_points(member["id"], INT32_MAX)
    till = Till(store="S002")
    sale = till.sale(Line("A1", 138), member=member["member_no"])
    answer = _between_honest_sales(shop, sale, till)
    assert answer[1]["status"] == "applied", answer[1]
    order = {
        "order_id": "PUMPED-1",
        "customer": {"member_no": member["member_no"]},
        "ordered_at": datetime.now(UTC).isoformat(),
        "lines": [{"sku": "A1", "qty": 1, "unit_price": 138}],
        "fulfilment": {"type": "ship"},
    }
    placed = shop.client.post("/v1/channel/orders", json=order, headers=shop.channel)
    assert placed.status_code == 200, placed.text
    with shop.session() as session:
        balance = points_service.balance(session, customer_id=member["id"])
        assert balance > INT32_MAX
        assert balance == points_service.ledger_sum(session, customer_id=member["id"])
    assert placed.json()["points_balance"] == balance


def test_an_event_that_cannot_be_stored_for_any_reason_becomes_a_dead_letter(
    shop: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever else goes wrong with one event's content, the push answers 200 and the rest apply."""
    from sync.server.syncfeed import rows

    careful_only(monkeypatch)
    till = Till()
    poison = till.sale(Line("A1", 138))
    sale_row = rows.sale_row

    def unexpected(caller: Any, sale: Any, *args: Any) -> Any:
        if any(line.name == "poison" for line in sale.lines):
            raise RuntimeError("something nobody thought of")
        return sale_row(caller, sale, *args)

    monkeypatch.setattr(rows, "sale_row", unexpected)
    poison["payload"]["lines"][0]["name"] = "poison"
    answer = _between_honest_sales(shop, poison, till)
    assert answer[1]["status"] == "rejected" and "RuntimeError" in answer[1]["detail"]
    assert "could not store" in _dead_letter(shop, poison["id"])["detail"]
    again = results(shop, shop.device(), [poison])  # a resend answers the same, nothing doubled
    assert again[0]["status"] == "rejected"


def test_a_problem_outside_the_events_still_refuses_the_request(shop: Api) -> None:
    till = Till()
    answer = push(shop, shop.device(), [till.sale(Line("A1", 138))], terminal="x" * 11)
    assert answer.status_code == 422


def test_protocol_bounds_equal_the_server_columns() -> None:
    """The lengths a terminal may send are the lengths the server's columns hold."""
    from sync.protocol.events import Event

    sale = SaleCompleted.model_json_schema()["properties"]
    member = MemberRegistered.model_json_schema()["properties"]
    envelope = Event.model_json_schema()["properties"]
    assert sale["sale_id"]["maxLength"] == StoreSale.__table__.c.id.type.length  # type: ignore[attr-defined]
    assert sale["receipt_no"]["maxLength"] == StoreSale.__table__.c.receipt_no.type.length  # type: ignore[attr-defined]
    assert member["member_no"]["maxLength"] == Customer.__table__.c.member_no.type.length  # type: ignore[attr-defined]
    for field in ("name", "name_kana", "phone", "email"):
        assert member[field]["maxLength"] == Customer.__table__.c[field].type.length  # type: ignore[attr-defined]
    assert envelope["id"]["maxLength"] == ReceivedEvent.__table__.c.id.type.length  # type: ignore[attr-defined]
    assert envelope["terminal_code"]["maxLength"] == ReceivedEvent.__table__.c.terminal_code.type.length  # type: ignore[attr-defined]
    assert envelope["seq"]["maximum"] == INT32_MAX


@pytest.mark.parametrize("position", ["1000000000000000000000", "9223372036854775808", "²", "١٢"])
def test_a_pull_cursor_a_device_made_up_never_fails_the_pull(shop: Api, position: str) -> None:
    """The device's cursor is remembered as its feed position: one beyond 64 bits or not ASCII digits
    made the pull answer 500 (on SQLite too); now it means "start again" (``resync``)."""
    answer = shop.client.get("/v1/sync/pull", params={"cursor": f"epoch:{position}"}, headers=shop.device())
    assert answer.status_code == 200, answer.text
    assert answer.json()["resync"] is True


@pytest.mark.parametrize(
    ("field", "moment"),
    [
        ("sold_at", "9999-12-31T23:59:59-05:00"),  # a valid time whose UTC is in year 10000
        ("created_at", "0001-01-01T00:00:00+09:00"),  # whose UTC is in year 0
        ("sold_at", "2999-01-01T00:00:00+09:00"),
    ],
)
def test_a_time_no_database_or_reader_can_keep_is_refused(shop: Api, field: str, moment: str) -> None:
    till = Till()
    poison = till.sale(Line("A1", 138))
    (poison if field == "created_at" else poison["payload"])[field] = moment
    answer = _between_honest_sales(shop, poison, till)
    assert answer[1]["status"] == "rejected" and field in answer[1]["detail"], answer[1]
    assert shop.client.get("/v1/sync/dead-letters", headers=shop.admin).status_code == 200


def test_an_online_order_beyond_32_bits_is_stored(shop: Api) -> None:
    order = {
        "order_id": "BIG-1",
        "customer": {"email": "big.spender@example.jp"},
        "ordered_at": datetime.now(UTC).isoformat(),
        "lines": [{"sku": "BIG", "qty": 22, "unit_price": 99_999_999}],
        "fulfilment": {"type": "ship"},
    }
    placed = shop.client.post("/v1/channel/orders", json=order, headers=shop.channel)
    assert placed.status_code == 200, placed.text
    assert placed.json()["totals"]["total"] == 2_199_999_978
    again = shop.client.post("/v1/channel/orders", json=order, headers=shop.channel)
    assert again.json() == placed.json()
