"""A whole day at the counter through the Terminal API, on a real SQLite file, checking every figure."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from posapp.domain.barcodes import make_member_card
from posapp.domain.cart import Discount
from posapp.domain.errors import InsufficientPoints, InsufficientTender, InvalidBarcode, InvalidQuantity
from posapp.domain.tender import TenderKind
from posapp.services import Terminal
from posapp.services.errors import (
    ApprovalRefused,
    ApprovalRequired,
    ClerkLocked,
    SaleNotReturnable,
    SignInFailed,
    UnknownProduct,
)
from posapp.store.models import OutboxEvent, Sale, StockLevel
from sync.protocol.events import Event, EventKind
from tests.services.conftest import CASHIER, MANAGER, MEMBER_NO, FakeClock

WORKED = [("4901234567894", 3), ("4901234567801", 1), ("4901234567818", 1),
          ("4901234567825", 1), ("4901234567832", 1), ("4901234567849", 1)]  # fmt: skip


def ring_worked_example(terminal: Terminal):
    sale = terminal.start_sale()
    for jan, quantity in WORKED:
        result = sale.scan(jan)
        if quantity > 1:
            assert result.line_index is not None
            sale.set_quantity(result.line_index, quantity)
    return sale


def outbox(terminal: Terminal) -> list[OutboxEvent]:
    with terminal.db.read() as session:
        return list(session.scalars(select(OutboxEvent).order_by(OutboxEvent.seq)))


def stock(terminal: Terminal, sku: str) -> int:
    with terminal.db.read() as session:
        return session.scalars(
            select(StockLevel.quantity).where(StockLevel.sku == sku, StockLevel.location == "S001")
        ).one()


def test_worked_example_sale_in_cash(signed_in: Terminal) -> None:
    sale = ring_worked_example(signed_in)
    totals = sale.totals
    assert (totals.amount_due, totals.item_count) == (2051, 8)
    assert [(r.rate, r.taxable, r.tax) for r in totals.by_rate] == [(10, 1273, 115), (8, 778, 57)]
    with pytest.raises(InsufficientTender):
        sale.add_tender(TenderKind.CASH, 2000) and sale.complete()
    sale.remove_tender(0)
    sale.add_tender(TenderKind.CASH, 3000)
    done = sale.complete()
    assert (done.receipt_no, done.total, done.change) == ("S001-02-000001", 2051, 949)
    assert done.receipt.header.registration_number == "T7000012050002"
    assert stock(signed_in, "SKU-ONIGIRI") == 17
    [event] = outbox(signed_in)
    envelope = Event(id=event.id, seq=event.seq, kind=EventKind(event.kind), terminal_code="02", store_code="S001",
                     created_at=event.created_at, payload=event.payload)  # fmt: skip
    payload = envelope.typed_payload()
    assert payload.total == 2051  # type: ignore[attr-defined]
    assert [p.amount for p in payload.payments] == [3000]  # type: ignore[attr-defined]


def test_member_points_split_tender_and_earning(signed_in: Terminal) -> None:
    sale = ring_worked_example(signed_in)
    sale.scan(make_member_card(MEMBER_NO))
    with pytest.raises(InsufficientPoints):
        sale.use_points(5000)
    sale.use_points(300)
    assert sale.totals.amount_due == 1751
    sale.add_tender(TenderKind.CARD, 1000, reference="auth-778812")
    sale.add_tender(TenderKind.QR, 751, reference="paypay-1")
    done = sale.complete()
    assert (done.points_used, done.points_earned) == (300, 17)
    assert done.receipt.points is not None and done.receipt.points.balance == 1240 - 300 + 17
    assert signed_in.customer(MEMBER_NO).available_points == 1240 - 300  # unsynced spending held back


def test_offline_points_are_capped_per_sale(signed_in: Terminal) -> None:
    signed_in.configure(offline_points_cap=200)
    sale = ring_worked_example(signed_in)
    sale.attach_customer(MEMBER_NO)
    with pytest.raises(InsufficientPoints):
        sale.use_points(201)
    sale.use_points(200)


def test_bad_input_leaves_nothing_behind(signed_in: Terminal) -> None:
    sale = signed_in.start_sale()
    with pytest.raises(InvalidBarcode):
        sale.scan("4901234567890")  # wrong check digit
    with pytest.raises(UnknownProduct):
        sale.scan("4569951116179")
    sale.scan("4901234567894")
    for bad in (0, -1, 1000):
        with pytest.raises(InvalidQuantity):
            sale.set_quantity(0, bad)
    assert sale.cart.lines[0].quantity == 1
    assert outbox(signed_in) == []


@pytest.mark.usefixtures("clock")
def test_non_plu_label_and_discounts(signed_in: Terminal) -> None:
    sale = signed_in.start_sale()
    sale.scan("0200123703981")  # 惣菜 at ¥398 from the label
    sale.scan("4901234567825")
    sale.discount_line(1, Discount(amount=50, label="見切り"))
    with pytest.raises(ApprovalRequired):
        sale.discount_basket(Discount(percent=50))
    sale.discount_basket(Discount(percent=10, label="会員"))
    assert sale.totals.subtotal == 398 + 348
    assert sale.totals.amount_due == 746 - 74
    sale.add_tender(TenderKind.EMONEY, sale.totals.amount_due, reference="suica")
    assert sale.complete().total == 672


def test_price_override_needs_a_manager(signed_in: Terminal) -> None:
    sale = signed_in.start_sale()
    sale.scan("4901234567825")
    with pytest.raises(ApprovalRefused):
        signed_in.approve(code=CASHIER[0], pin=CASHIER[1], action="price_override")
    approval = signed_in.approve(code=MANAGER[0], pin=MANAGER[1], action="price_override")
    sale.override_price(0, 300, approval=approval)
    assert sale.totals.amount_due == 300
    sale.add_tender(TenderKind.CASH, 300)
    sale.complete()
    # The sale's event carries who approved, so the server can tell an approved override from a lie.
    payload = next(e.payload for e in outbox(signed_in) if e.kind == EventKind.SALE_COMPLETED)
    assert payload["approvals"] == [{"action": "price_override", "manager_code": MANAGER[0]}]


def test_suspend_and_resume(signed_in: Terminal) -> None:
    sale = ring_worked_example(signed_in)
    sale.attach_customer(MEMBER_NO)
    suspended_id = sale.suspend(label="お客様A")
    [info] = signed_in.suspended_sales()
    assert (info.id, info.item_count) == (suspended_id, 8)
    resumed = signed_in.resume_sale(suspended_id)
    assert resumed.totals.amount_due == 2051 and resumed.customer is not None
    assert signed_in.suspended_sales() == []


def test_void_and_return_restore_stock_points_and_cash(signed_in: Terminal) -> None:
    manager = signed_in.approve(code=MANAGER[0], pin=MANAGER[1], action="void")
    sale = ring_worked_example(signed_in)
    sale.attach_customer(MEMBER_NO)
    sale.add_tender(TenderKind.CASH, 2100)
    first = sale.complete()
    void = signed_in.void_sale(receipt_no=first.receipt_no, approval=manager)
    assert void.receipt_no == "S001-02-000002" and void.total == 2051
    assert stock(signed_in, "SKU-ONIGIRI") == 20
    with pytest.raises(SaleNotReturnable):
        signed_in.void_sale(receipt_no=first.receipt_no, approval=manager)

    sale = ring_worked_example(signed_in)
    sale.add_tender(TenderKind.CASH, 2051)
    second = sale.complete()
    lines = signed_in.returnable_lines(second.receipt_no)
    assert [line.returnable for line in lines] == [3, 1, 1, 1, 1, 1]
    ret = signed_in.return_items(receipt_no=second.receipt_no, quantities={1: 2, 5: 1}, approval=manager)
    assert ret.total == 138 * 2 + 657
    assert stock(signed_in, "SKU-ONIGIRI") == 19
    with pytest.raises(SaleNotReturnable):
        signed_in.return_items(receipt_no=second.receipt_no, quantities={5: 1}, approval=manager)
    reprint = signed_in.receipt(second.receipt_no)
    assert reprint.reprint and reprint.total == 2051


def test_a_sale_returned_in_parts_gives_back_exactly_its_money_and_points(signed_in: Terminal) -> None:
    """Three returns (part of a line, the rest of it with another, then all the rest) refund exactly what
    was paid and move back exactly the points used and earned: integer shares, the last one the remainder."""
    manager = signed_in.approve(code=MANAGER[0], pin=MANAGER[1], action="return")
    sale = ring_worked_example(signed_in)
    sale.attach_customer(MEMBER_NO)
    sale.discount_basket(Discount(amount=77))
    sale.use_points(301)
    sale.add_tender(TenderKind.CASH, sale.totals.amount_due)
    done = sale.complete()
    parts = [{1: 1}, {1: 2, 2: 1}, {3: 1, 4: 1, 5: 1, 6: 1}]
    returns = [
        signed_in.return_items(receipt_no=done.receipt_no, quantities=q, approval=manager) for q in parts
    ]
    assert sum(r.total for r in returns) == done.total == 2051 - 77 - 301
    assert sum(r.points_used for r in returns) == done.points_used == 301
    assert sum(r.points_earned for r in returns) == done.points_earned > 0
    # Each return's points are within one of its exact share of the sale's (no float, no truncation drift).
    for r in returns:
        assert abs(r.points_used - 301 * r.total / done.total) < 1
    sent = [e.payload for e in outbox(signed_in) if e.kind == EventKind.RETURN_COMPLETED]
    assert [p["points_restored"] for p in sent] == [r.points_used for r in returns]
    assert sum(p["total"] for p in sent) == done.total


@pytest.mark.usefixtures("clock")
def test_cash_x_and_z_reports(signed_in: Terminal) -> None:
    manager = signed_in.approve(code=MANAGER[0], pin=MANAGER[1], action="z")
    signed_in.cash_in(amount=30_000, reason="釣銭準備")
    sale = ring_worked_example(signed_in)
    sale.add_tender(TenderKind.CASH, 5000)
    sale.complete()
    sale = ring_worked_example(signed_in)
    sale.add_tender(TenderKind.CARD, 2051, reference="A1")
    sale.complete()
    signed_in.cash_out(amount=1000, reason="文具", approval=manager)
    x = signed_in.x_report()
    assert (x.figures.gross_sales, x.figures.net_sales, x.figures.customers) == (4102, 4102, 2)
    assert dict(x.figures.by_tender) == {"cash": 2051, "card": 2051}
    assert x.figures.expected_cash == 30_000 + 2051 - 1000
    z = signed_in.z_report(counts={10000: 3, 1000: 1, 50: 1}, next_float=30_000, approval=manager)
    assert z.closing_no == 1 and z.reconciliation is not None
    assert z.reconciliation.over_short == 31_050 - 31_051
    assert signed_in.x_report().figures.customers == 0
    assert signed_in.x_report().figures.opening_float == 30_000
    kinds = [e.kind for e in outbox(signed_in)]
    assert kinds == ["cash.moved", "sale.completed", "sale.completed", "cash.moved", "day.closed"]
    assert [e.seq for e in outbox(signed_in)] == [1, 2, 3, 4, 5]


def test_sign_in_lockout(terminal: Terminal, clock: FakeClock) -> None:
    for _ in range(5):
        with pytest.raises(SignInFailed):
            terminal.sign_in(code=CASHIER[0], pin="0000")
    with pytest.raises(ClerkLocked):
        terminal.sign_in(code=CASHIER[0], pin=CASHIER[1])
    clock.advance(minutes=6)
    assert terminal.sign_in(code=CASHIER[0], pin=CASHIER[1]).name == "山田"


def test_register_member_offline(signed_in: Terminal) -> None:
    member = signed_in.register_member(name="田中 一郎", name_kana="タナカ イチロウ", phone="080-1111-2222")
    assert member.member_no == "9001020001" and member.registered_here_offline
    assert signed_in.find_customers("たなか")[0].member_no == member.member_no
    assert outbox(signed_in)[-1].kind == "member.registered"


def test_receipt_numbers_are_gapless_and_events_one_per_sale(signed_in: Terminal) -> None:
    for _ in range(5):
        sale = signed_in.start_sale()
        sale.scan("4901234567801")
        sale.add_tender(TenderKind.CASH, 200)
        sale.complete()
    with signed_in.db.read() as session:
        seqs = list(session.scalars(select(Sale.receipt_seq).order_by(Sale.receipt_seq)))
        events = session.scalar(
            select(func.count()).select_from(OutboxEvent).where(OutboxEvent.kind == "sale.completed")
        )
    assert seqs == [1, 2, 3, 4, 5] and events == 5
