"""Points spent online are held on the server at tender: two real terminals can never spend the same points.

Two terminals, each with its own SQLite file and sync agent, paired with one real server process
(SQLite and PostgreSQL), both try to spend all 287 points of one member through the Terminal API.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from posapp.domain.errors import InsufficientPoints
from posapp.services import omni
from posapp.services.link import ServerLink
from posapp.services.sale import SaleSession
from posapp.ui.i18n import set_language
from posapp.ui.messages import error_text
from sync.server.customers.models import Customer
from sync.server.db.base import utcnow
from sync.server.points import service as points_service
from sync.server.points.models import PointsEntry, PointsHold
from sync.server.syncfeed.models import ReceivedEvent
from tests.services.conftest import MEMBER_NO
from tests.sync.conftest import LiveServer, PairedTerminal, pair_terminal, points_consistent

pytestmark = pytest.mark.integration
TEA, WATER, BENTO = "4901234567825", "4901234567801", "4901234567832"


def online(server: LiveServer, data_dir: Path, store: str) -> PairedTerminal:
    """A paired terminal whose link is up, as ``Terminal.connect`` leaves it in the shop."""
    paired = pair_terminal(server, data_dir, store=store)
    paired.terminal.link = ServerLink(paired.agent.client, paired.agent)
    return paired


def set_balance(server: LiveServer, points: int) -> int:
    with server.session() as session:
        customer_id = session.scalar(select(Customer.id).where(Customer.member_no == MEMBER_NO))
        assert customer_id is not None
        now = points_service.balance(session, customer_id=customer_id)
        points_service.adjust(
            session, customer_id=customer_id, points=points - now, idempotency_key="to-287", reason="test"
        )
        session.commit()
        return customer_id


def balance(server: LiveServer, customer_id: int) -> int:
    with server.session() as session:
        return points_service.balance(session, customer_id=customer_id)


def basket(paired: PairedTerminal) -> SaleSession:
    """¥549 of goods for the member: more than the 287 points cover."""
    paired.agent.sync_once()  # the member's balance as the server has it now
    sale = paired.terminal.start_sale()
    sale.scan(TEA)
    sale.scan(WATER)
    sale.attach_customer(MEMBER_NO)
    return sale


def pay_cash(sale: SaleSession) -> str:
    from posapp.domain.tender import TenderKind

    sale.add_tender(TenderKind.CASH, sale.totals.amount_due)
    return sale.complete().sale_id


@pytest.mark.usefixtures("qapp")
def test_two_online_terminals_cannot_both_spend_the_same_points(server: LiveServer, tmp_path: Path) -> None:
    customer_id = set_balance(server, 287)
    shibuya = online(server, tmp_path / "shibuya", "S001")
    shinjuku = online(server, tmp_path / "shinjuku", "S002")
    first, second = basket(shibuya), basket(shinjuku)
    assert first.customer is not None and second.customer is not None
    assert first.customer.available_points == second.customer.available_points == 287  # both caches agree

    first.use_points(287)
    assert first.points_hold is not None and balance(server, customer_id) == 0  # set aside at once
    due_before = second.totals.amount_due
    with pytest.raises(omni.PointsHeldElsewhere) as refused:
        second.use_points(287)
    assert second.cart.points_used == 0 and second.totals.amount_due == due_before  # the sale is unchanged
    assert second.points_hold is None
    set_language("ja")
    assert "他のレジやオンライン" in error_text(refused.value)
    set_language("en")
    assert "another register or online" in error_text(refused.value)
    set_language("ja")
    with pytest.raises(InsufficientPoints):
        second.use_points(1)

    sale_id = pay_cash(first)
    pay_cash(second)  # the other customer pays without points
    for paired in (shibuya, shinjuku):
        paired.agent.sync_once()
    earned = (549 - 287) // 100 + 549 // 100  # both sales earn; only the first spent
    assert balance(server, customer_id) == earned
    with server.session() as session:
        hold = session.scalar(select(PointsHold).where(PointsHold.sale_id == sale_id))
        assert hold is not None and hold.status == "captured"
        entries = list(session.scalars(select(PointsEntry).where(PointsEntry.customer_id == customer_id)))
        assert all(entry.balance_after >= 0 for entry in entries)
        assert not any(entry.kind == "overdraft" or entry.flagged for entry in entries)
        flags = [flag for row in session.scalars(select(ReceivedEvent)) for flag in row.flags]
        assert "points_overdraft" not in flags
    points_consistent(server)

    # A void of the sale gives the held-and-captured points back, once.
    approval = shibuya.terminal.approve(code="9001", pin="9999", action="void")
    receipt_no = first_receipt(shibuya)
    shibuya.terminal.void_sale(receipt_no=receipt_no, approval=approval)
    shibuya.agent.sync_once()
    assert balance(server, customer_id) == 287 + 549 // 100
    points_consistent(server)


def first_receipt(paired: PairedTerminal) -> str:
    from posapp.store.models import Sale

    with paired.terminal.db.read() as session:
        receipt_no = session.scalar(select(Sale.receipt_no).where(Sale.kind == "sale").order_by(Sale.at))
        assert receipt_no is not None
        return receipt_no


def test_a_hold_is_released_on_cancel_change_and_expiry(server: LiveServer, tmp_path: Path) -> None:
    customer_id = set_balance(server, 287)
    shibuya = online(server, tmp_path / "shibuya", "S001")
    shinjuku = online(server, tmp_path / "shinjuku", "S002")
    first, second = basket(shibuya), basket(shinjuku)

    first.use_points(287)
    first.use_points(100)  # changed: the hold follows
    assert first.points_hold is not None and first.points_hold.points == 100
    assert balance(server, customer_id) == 187
    second.use_points(187)
    first.cancel()  # the cashier abandons the sale: the points go back
    assert balance(server, customer_id) == 100
    second.use_points(0)
    assert balance(server, customer_id) == 287 and second.points_hold is None
    second.use_points(50)
    second.attach_customer(MEMBER_NO)  # the same member called up again: the hold stays
    assert second.points_hold is not None and balance(server, customer_id) == 237
    second.detach_customer()  # the points were the member's: they go back with them
    assert balance(server, customer_id) == 287 and second.cart.points_used == 0
    second.attach_customer(MEMBER_NO)

    # A sale left at tender: its hold expires, and the points can be spent elsewhere.
    first = basket(shibuya)
    first.use_points(287)
    with pytest.raises(omni.PointsHeldElsewhere):
        second.use_points(287)
    with server.session() as session:
        session.execute(update(PointsHold).values(expires_at=utcnow() - timedelta(seconds=1)))
        session.commit()
    second.use_points(287)
    pay_cash(second)
    shinjuku.agent.sync_once()
    assert balance(server, customer_id) == (549 - 287) // 100
    # The stale sale completes later: its hold was released, so it spends like an offline sale and
    # the overdraft is flagged for HQ instead of being silently allowed twice.
    pay_cash(first)
    shibuya.agent.sync_once()
    with server.session() as session:
        flags = [flag for row in session.scalars(select(ReceivedEvent)) for flag in row.flags]
    assert "points_overdraft" in flags
    points_consistent(server)


def test_offline_spending_keeps_the_per_sale_cap_and_is_flagged(server: LiveServer, tmp_path: Path) -> None:
    customer_id = set_balance(server, 287)
    shibuya = online(server, tmp_path / "shibuya", "S001")
    shinjuku = online(server, tmp_path / "shinjuku", "S002")
    shinjuku.terminal.configure(offline_points_cap=200)
    offline_sale = basket(shinjuku)
    shinjuku.terminal.link = None  # the store's line is down
    with pytest.raises(InsufficientPoints):
        offline_sale.use_points(287)
    offline_sale.use_points(200)
    assert offline_sale.points_hold is None

    online_sale = basket(shibuya)
    online_sale.use_points(287)
    pay_cash(online_sale)
    shibuya.agent.sync_once()
    pay_cash(offline_sale)
    shinjuku.agent.sync_once()
    with server.session() as session:
        flags = [flag for row in session.scalars(select(ReceivedEvent)) for flag in row.flags]
    assert flags.count("points_overdraft") == 1
    assert balance(server, customer_id) == (549 - 287) // 100 - 200 + (549 - 200) // 100
    points_consistent(server)
