"""Offline, a member's history is the last one seen live at this register, with its age, plus this
register's own sales since; it is personal data and leaves with an erased member."""

from __future__ import annotations

from datetime import timedelta

from posapp.domain.tender import TenderKind
from posapp.services import Terminal
from posapp.store.cache import CacheChange, apply_changes
from posapp.store.models import HistoryCacheRow
from sync.protocol.live import HistoryEntry, LiveItem
from tests.services.conftest import MEMBER_NO, FakeClock

ONLINE_ORDER = HistoryEntry(
    kind="online_order", channel="online", location="ONLINE", location_name="オンライン倉庫",
    occurred_at=FakeClock().now - timedelta(days=3), reference="WEB-1001",
    items=(LiveItem(sku="SKU-TEA", name="緑茶 500ml", quantity=6, amount=906),), amount=906, points=9,
)  # fmt: skip


def test_offline_history_is_the_cached_one_with_its_age_plus_sales_since(
    signed_in: Terminal, clock: FakeClock
) -> None:
    seen_live_at = clock.now - timedelta(minutes=10)
    with signed_in.db.write() as session:
        session.add(
            HistoryCacheRow(
                member_no=MEMBER_NO, fetched_at=seen_live_at, entries=[ONLINE_ORDER.model_dump(mode="json")]
            )
        )
    sale = signed_in.start_sale()
    sale.scan("4901234567801")
    sale.attach_customer(MEMBER_NO)
    sale.add_tender(TenderKind.CASH, sale.totals.amount_due)
    receipt_no = sale.complete().receipt_no

    history = signed_in.customer_history(MEMBER_NO)
    assert not history.live and history.as_of == seen_live_at
    assert history.age(clock.now) == timedelta(minutes=10)
    assert [entry.reference for entry in history.entries] == [receipt_no, "WEB-1001"]
    assert history.entries[1].items[0].quantity == 6
    assert receipt_no in history.unsent

    clock.advance(minutes=1)
    approval = signed_in.approve(code="9001", pin="9999", action="void")
    signed_in.void_sale(receipt_no=receipt_no, approval=approval)
    voided = signed_in.customer_history(MEMBER_NO).entries[0]
    assert (voided.kind, voided.amount) == ("store_void", -151), "a void is a void, not a purchase"


def test_an_erased_member_leaves_the_history_cache(signed_in: Terminal) -> None:
    with signed_in.db.write() as session:
        session.add(
            HistoryCacheRow(
                member_no=MEMBER_NO,
                fetched_at=FakeClock().now,
                entries=[ONLINE_ORDER.model_dump(mode="json")],
            )
        )
    with signed_in.db.write() as session:
        apply_changes(
            session,
            [
                CacheChange(
                    99, "customer", "42", {"id": 42, "member_no": MEMBER_NO, "name": "", "erased": True}
                )
            ],
            store_code="S001",
        )
    with signed_in.db.read() as session:
        assert session.get(HistoryCacheRow, MEMBER_NO) is None
    assert signed_in.customer_history(MEMBER_NO).entries == ()
