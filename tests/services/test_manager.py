"""The store manager's API: stock moves, low stock, the attention list and closing the day."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from posapp.domain.tender import TenderKind
from posapp.services import Terminal
from posapp.services.attention import (
    ApprovedReversal,
    DeadLetter,
    FailedPrint,
    NegativeStock,
    OfflinePointsSale,
    StalePriceSale,
    attention_items,
    record_print_failure,
)
from posapp.services.errors import ApprovalRequired, UnknownProduct
from posapp.services.link import ServerLink
from posapp.services.manager import (
    InvalidStockChange,
    LowStockItem,
    adjust_stock,
    close_day,
    low_stock,
    receive_stock,
    set_reorder_point,
)
from posapp.store.cache import CacheChange, apply_changes
from posapp.store.models import AuditEntry, Closing, OutboxEvent, StockLevel
from sync.client.agent import SyncAgent
from sync.client.http import SyncClient
from sync.protocol.events import EventKind
from tests.server.conftest import pg_migrated  # noqa: F401  (a fixture of the live server)
from tests.services.conftest import MANAGER, MEMBER_NO, FakeClock
from tests.services.test_day_report import SATURDAY, at_tokyo, build_known_day
from tests.sync.conftest import LiveServer, free_port, pair_terminal, server  # noqa: F401

DRAWER_2051_SHORT_100 = {1000: 1, 500: 1, 100: 4, 50: 1, 1: 1}  # ¥1,951


def level(terminal: Terminal, sku: str, location: str = "S001") -> int | None:
    with terminal.db.read() as session:
        return session.scalar(
            select(StockLevel.quantity).where(StockLevel.sku == sku, StockLevel.location == location)
        )


def events(terminal: Terminal, kind: EventKind) -> list[OutboxEvent]:
    with terminal.db.read() as session:
        return list(session.scalars(select(OutboxEvent).where(OutboxEvent.kind == kind.value)))


def sign_in_manager(terminal: Terminal) -> Terminal:
    terminal.sign_in(code=MANAGER[0], pin=MANAGER[1])
    return terminal


# ---- stock ----------------------------------------------------------------------------------------


def test_receiving_moves_stock_queues_the_event_and_audits(terminal: Terminal) -> None:
    sign_in_manager(terminal)
    change = receive_stock(terminal.counter, sku="SKU-TEA", quantity=24)
    assert (change.delta, change.reason, change.quantity_after) == (24, "received", 44)
    assert level(terminal, "SKU-TEA") == 44
    [event] = events(terminal, EventKind.STOCK_ADJUSTED)
    assert event.aggregate_id == change.adjustment_id
    assert event.payload["sku"] == "SKU-TEA" and event.payload["delta"] == 24
    assert event.payload["reason"] == "received" and event.payload["clerk_code"] == MANAGER[0]
    with terminal.db.read() as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "stock_received"))
    assert entry is not None and entry.approved_by == MANAGER[0] and entry.detail["delta"] == 24


def test_a_cashier_needs_a_managers_approval(signed_in: Terminal) -> None:
    with pytest.raises(ApprovalRequired):
        adjust_stock(signed_in.counter, sku="SKU-TEA", delta=-2, reason="damaged")
    assert level(signed_in, "SKU-TEA") == 20 and events(signed_in, EventKind.STOCK_ADJUSTED) == []
    approval = signed_in.approve(code=MANAGER[0], pin=MANAGER[1], action="stock_damaged")
    change = adjust_stock(signed_in.counter, sku="SKU-TEA", delta=-2, reason="damaged", approval=approval)
    assert change.quantity_after == 18
    [event] = events(signed_in, EventKind.STOCK_ADJUSTED)
    assert event.payload["clerk_code"] == "1001" and event.payload["delta"] == -2


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda t: receive_stock(t.counter, sku="SKU-TEA", quantity=0), InvalidStockChange),
        (lambda t: receive_stock(t.counter, sku="SKU-TEA", quantity=-5), InvalidStockChange),
        (lambda t: adjust_stock(t.counter, sku="SKU-TEA", delta=3, reason="found"), InvalidStockChange),
        (lambda t: adjust_stock(t.counter, sku="SKU-TEA", delta=0, reason="counted"), InvalidStockChange),
        (
            lambda t: adjust_stock(t.counter, sku="SKU-TEA", delta=2_000_000, reason="counted"),
            InvalidStockChange,
        ),
        (lambda t: receive_stock(t.counter, sku="SKU-NONE", quantity=1), UnknownProduct),
        (lambda t: set_reorder_point(t.counter, sku="SKU-TEA", reorder_point=-1), InvalidStockChange),
    ],
)
def test_bad_stock_changes_leave_nothing_behind(terminal: Terminal, call, error) -> None:  # type: ignore[no-untyped-def]
    sign_in_manager(terminal)
    with pytest.raises(error):
        call(terminal)
    assert level(terminal, "SKU-TEA") == 20 and events(terminal, EventKind.STOCK_ADJUSTED) == []


def test_low_stock_against_reorder_points(terminal: Terminal) -> None:
    sign_in_manager(terminal)
    assert low_stock(terminal.counter) == []
    set_reorder_point(terminal.counter, sku="SKU-TEA", reorder_point=20)  # exactly at it: listed
    set_reorder_point(terminal.counter, sku="SKU-BREAD", reorder_point=10)
    set_reorder_point(terminal.counter, sku="SKU-DELI", reorder_point=5)  # never stocked here: 0 on hand
    adjust_stock(terminal.counter, sku="SKU-BREAD", delta=-15, reason="counted")
    assert low_stock(terminal.counter) == [
        LowStockItem("SKU-BREAD", "食パン 6枚", 5, 10),  # 5 below, like 惣菜: ties go by SKU
        LowStockItem("SKU-DELI", "惣菜 量り売り", 0, 5),
        LowStockItem("SKU-TEA", "緑茶 500ml", 20, 20),
    ]
    assert low_stock(terminal.counter)[0].shortfall == 5
    set_reorder_point(terminal.counter, sku="SKU-TEA", reorder_point=19)
    receive_stock(terminal.counter, sku="SKU-BREAD", quantity=6)
    assert [item.sku for item in low_stock(terminal.counter)] == ["SKU-DELI"]


def test_setting_a_reorder_point_needs_a_manager(signed_in: Terminal) -> None:
    with pytest.raises(ApprovalRequired):
        set_reorder_point(signed_in.counter, sku="SKU-TEA", reorder_point=5)


# ---- the attention list ---------------------------------------------------------------------------


def test_attention_list_has_every_kind(signed_in: Terminal, clock: FakeClock) -> None:
    build_known_day(signed_in, clock)
    # The catalog's price of tea changes after the morning's sales: those lines are now stale.
    with signed_in.db.write() as session:
        apply_changes(session, [CacheChange(500, "product", "SKU-TEA", {
            "sku": "SKU-TEA", "jan": "4901234567801", "name": "緑茶 500ml", "name_kana": "リョクチャ",
            "price": 160, "tax_class": "reduced", "active": True})], store_code="S001")  # fmt: skip
        session.execute(
            OutboxEvent.__table__.update()  # type: ignore[attr-defined]
            .where(OutboxEvent.seq == 1)
            .values(status="dead", error="unknown member 000000000099")
        )
    at_tokyo(clock, 22, 19, 30)
    sale = signed_in.start_sale()
    sale.add_product("SKU-BATTERY", 25)  # 20 on hand, two sold earlier: now -7
    sale.attach_customer(MEMBER_NO)
    sale.use_points(50)  # offline: never synced, so SyncState.online is false
    sale.add_tender(TenderKind.CASH, sale.totals.amount_due)
    offline_receipt = sale.complete().receipt_no
    record_print_failure(signed_in.counter, receipt_no=offline_receipt, error="printer offline")
    items = attention_items(signed_in.counter)
    by_kind: dict[str, list[object]] = {}
    for item in items:
        by_kind.setdefault(item.kind, []).append(item)
    assert list(by_kind) == [
        "dead_letter", "negative_stock", "stale_price", "offline_points", "reversal", "print_failure",
    ]  # fmt: skip
    [dead] = by_kind["dead_letter"]
    assert isinstance(dead, DeadLetter) and dead.error == "unknown member 000000000099"
    assert dead.event_kind == "sale.completed"
    assert by_kind["negative_stock"] == [NegativeStock(clock.now, "SKU-BATTERY", "乾電池 単3x4", -7)]
    stale = by_kind["stale_price"]
    assert [(s.receipt_no, s.quantity, s.sold_price, s.current_price) for s in stale] == [  # type: ignore[attr-defined]
        ("S001-02-000002", 1, 151, 160),
        ("S001-02-000003", 2, 151, 160),
    ]
    assert all(isinstance(s, StalePriceSale) for s in stale)
    morning, evening = by_kind["offline_points"]  # this terminal was never online: both were offline
    assert morning == OfflinePointsSale(morning.at, "S001-02-000003", MEMBER_NO, 100, "pending")  # type: ignore[attr-defined]
    assert evening == OfflinePointsSale(clock.now, offline_receipt, MEMBER_NO, 50, "pending")
    voided, returned = by_kind["reversal"]
    assert isinstance(voided, ApprovedReversal) and isinstance(returned, ApprovedReversal)
    assert (voided.reversal, voided.original_receipt_no, voided.amount) == ("void", "S001-02-000004", 351)
    assert (returned.reversal, returned.original_receipt_no, returned.amount) == (
        "return",
        "S001-02-000006",
        398,
    )
    assert (voided.clerk_name, voided.approved_by, voided.approver_name) == ("山田", "9001", "店長 佐藤")
    assert by_kind["print_failure"] == [FailedPrint(clock.now, offline_receipt, "printer offline")]
    # The day's items belong to their day; standing problems show on any day.
    other_day = attention_items(signed_in.counter, day=SATURDAY.replace(day=23))
    assert [item.kind for item in other_day] == ["dead_letter", "negative_stock"]


def test_overridden_and_label_priced_lines_are_not_stale(signed_in: Terminal) -> None:
    sale = signed_in.start_sale()
    sale.scan("0200123703981")  # 惣菜 priced by its label
    sale.add_product("SKU-TEA")
    sale.override_price(1, 100, approval=signed_in.approve(code=MANAGER[0], pin=MANAGER[1], action="x"))
    sale.add_tender(TenderKind.CASH, sale.totals.amount_due)
    sale.complete()
    kinds = [item.kind for item in attention_items(signed_in.counter)]
    assert kinds == ["negative_stock"]  # the weighed 惣菜 was never stocked here, but nothing is stale


# ---- closing the day ------------------------------------------------------------------------------


def test_a_count_100_short_shows_minus_100(signed_in: Terminal) -> None:
    sale = signed_in.start_sale()
    for sku, quantity in (("SKU-ONIGIRI", 3), ("SKU-TEA", 1), ("SKU-BREAD", 1), ("SKU-DETERGENT", 1),
                          ("SKU-BATTERY", 1), ("SKU-BAGS", 1)):  # fmt: skip
        sale.add_product(sku, quantity)
    sale.add_tender(TenderKind.CASH, 2051)
    sale.complete()
    approval = signed_in.approve(code=MANAGER[0], pin=MANAGER[1], action="z_report")
    closed = close_day(signed_in.counter, counts=DRAWER_2051_SHORT_100, next_float=30_000, approval=approval)
    assert closed.report.reconciliation is not None
    assert (closed.report.reconciliation.expected, closed.report.reconciliation.over_short) == (2051, -100)
    assert (closed.unsynced_events, closed.dead_letters, closed.sync_attempted) == (1, 0, False)
    assert closed.needs_warning
    with signed_in.db.read() as session:
        stored = session.get(Closing, closed.report.closing_no)
    assert stored is not None and (stored.counted, stored.over_short, stored.next_float) == (
        1951,
        -100,
        30_000,
    )
    [event] = events(signed_in, EventKind.DAY_CLOSED)
    assert event.payload["over_short"] == -100


def test_with_the_server_down_the_day_still_closes_and_warns(signed_in: Terminal) -> None:
    client = SyncClient(f"http://127.0.0.1:{free_port()}", "dev_nobody")
    agent = SyncAgent(signed_in.db, client, store_code="S001", terminal_code="02", clock=signed_in.clock)
    signed_in.link = ServerLink(client, agent)
    sale = signed_in.start_sale()
    sale.add_product("SKU-TEA")
    sale.add_tender(TenderKind.CASH, 151)
    sale.complete()
    approval = signed_in.approve(code=MANAGER[0], pin=MANAGER[1], action="z_report")
    closed = close_day(signed_in.counter, counts={100: 1, 50: 1, 1: 1}, next_float=0, approval=approval)
    signed_in.link = None
    client.close()
    assert closed.sync_attempted and closed.sync_error and closed.unsynced_events == 1
    assert closed.needs_warning and closed.report.reconciliation is not None
    assert closed.report.reconciliation.over_short == 0


# ---- with a live server ---------------------------------------------------------------------------


def test_received_stock_reaches_the_server_and_the_web_shop(server: LiveServer, tmp_path: Path) -> None:  # noqa: F811
    paired = pair_terminal(server, tmp_path / "t1")
    terminal = paired.terminal
    terminal.sign_out()
    sign_in_manager(terminal)
    before = {row["location"]: row["quantity"] for row in server.call("GET", "/v1/stock/SKU-TEA")["levels"]}
    assert before["S001"] == 100
    receive_stock(terminal.counter, sku="SKU-TEA", quantity=24)
    adjust_stock(terminal.counter, sku="SKU-TEA", delta=-3, reason="damaged")
    # close_day syncs first through the terminal's link: here the link is the test's own agent.
    terminal.link = ServerLink(paired.agent.client, paired.agent)
    approval = terminal.approve(code=MANAGER[0], pin=MANAGER[1], action="z_report")
    closed = close_day(terminal.counter, counts={}, next_float=0, approval=approval)
    assert (closed.sync_attempted, closed.sync_error, closed.unsynced_events) == (True, "", 0)
    assert not closed.needs_warning
    levels = {row["location"]: row["quantity"] for row in server.call("GET", "/v1/stock/SKU-TEA")["levels"]}
    assert levels["S001"] == 121
    channel_key = server.call("POST", "/v1/admin/channels", json={"name": "webshop"})["api_key"]
    availability = requests.get(
        server.url + "/v1/channel/availability", params={"sku": "SKU-TEA"},
        headers={"Authorization": f"Bearer {channel_key}"}, timeout=10,
    ).json()  # fmt: skip
    assert {row["location"]: row["quantity"] for row in availability["locations"]}["S001"] == 121
    view = terminal.stock_everywhere("SKU-TEA")
    assert view.live and {s.location: s.quantity for s in view.levels}["S001"] == 121
    terminal.link = None
    terminal.close()
