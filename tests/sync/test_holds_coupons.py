"""Coupon holds between two real terminals and the web shop, against a real server process."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from posapp.domain.tender import TenderKind
from posapp.services import omni
from posapp.services.link import ServerLink
from posapp.services.sale import SaleSession
from sync.server.db.base import utcnow
from sync.server.omni.models import CouponRedemption
from sync.server.points.holds import release_expired_holds
from sync.server.syncfeed.models import ReceivedEvent
from tests.sync.conftest import LiveServer, PairedTerminal, pair_terminal
from tests.sync.test_omni_counter import Shop

pytestmark = pytest.mark.integration
TEA = "4901234567825"  # ¥398


def online(server: LiveServer, data_dir: Path, terminal_code: str) -> PairedTerminal:
    paired = pair_terminal(server, data_dir, terminal_code=terminal_code)
    paired.terminal.link = ServerLink(paired.agent.client, paired.agent)
    return paired


def campaign(server: LiveServer, code: str) -> None:
    now = datetime.now(UTC)
    server.call("POST", "/v1/admin/coupon-campaigns", json={
        "name": "100円引き", "kind": "amount", "value": 100, "min_spend": 0, "single_use": True,
        "valid_from": (now - timedelta(days=1)).isoformat(), "valid_to": (now + timedelta(days=1)).isoformat(),
        "open_code": code})  # fmt: skip


def basket(paired: PairedTerminal) -> SaleSession:
    sale = paired.terminal.start_sale()
    sale.scan(TEA)
    return sale


def complete(paired: PairedTerminal, sale: SaleSession) -> str:
    sale.add_tender(TenderKind.CASH, sale.totals.amount_due)
    sale_id = sale.complete().sale_id
    paired.agent.sync_once()
    return sale_id


def statuses(server: LiveServer) -> list[tuple[str, str]]:
    with server.session() as session:
        rows = session.scalars(select(CouponRedemption).order_by(CouponRedemption.id))
        return [(row.status, row.order_or_sale_id) for row in rows]


def flags(server: LiveServer) -> list[str]:
    with server.session() as session:
        return [flag for row in session.scalars(select(ReceivedEvent)) for flag in row.flags]


def test_an_expired_hold_frees_the_code_and_the_late_sale_is_flagged(
    server: LiveServer, tmp_path: Path
) -> None:
    campaign(server, "LATE-100")
    first, second = online(server, tmp_path / "r1", "01"), online(server, tmp_path / "r2", "02")
    slow = basket(first)
    slow.apply_coupon("LATE-100")
    with pytest.raises(omni.CouponHeld):
        basket(second).apply_coupon("LATE-100")
    with server.session() as session:  # the customer walked away; the minutely job runs
        session.execute(update(CouponRedemption).values(expires_at=utcnow() - timedelta(seconds=1)))
        release_expired_holds(session)
        session.commit()
    assert statuses(server) == [("released", "")]
    quick = basket(second)
    quick.apply_coupon("LATE-100")
    quick_id = complete(second, quick)
    late_id = complete(first, slow)  # the sale happened: stored, its coupon flagged for HQ
    assert statuses(server) == [("released", ""), ("redeemed", quick_id)]
    assert "coupon_conflict" in flags(server)
    from sync.server.sales.models import StoreSale

    with server.session() as session:
        assert session.get(StoreSale, late_id) is not None


def test_a_coupon_applied_offline_from_a_cached_check_is_redeemed_or_flagged(
    server: LiveServer, tmp_path: Path
) -> None:
    campaign(server, "CACHED-1")
    campaign(server, "CACHED-2")
    register = online(server, tmp_path / "r1", "01")
    for code in ("CACHED-1", "CACHED-2"):
        assert omni.validate_coupon(register.terminal.counter, code).valid  # the customer showed both earlier
    link = register.terminal.link
    register.terminal.link = None
    free, taken = basket(register), basket(register)
    assert free.apply_coupon("CACHED-1").held is False
    taken.apply_coupon("CACHED-2")
    shop = Shop(server)  # meanwhile the web shop uses the second code
    assert shop.call("POST", "/v1/coupons/CACHED-2/redeem", json={
        "redemption_id": "web-1", "order_or_sale_id": "WEB-1", "amount": 100}).status_code == 200  # fmt: skip
    register.terminal.link = link
    free_id, taken_id = complete(register, free), complete(register, taken)
    assert ("redeemed", free_id) in statuses(server) and ("redeemed", "WEB-1") in statuses(server)
    assert not any(order == taken_id for _status, order in statuses(server))
    assert flags(server).count("coupon_conflict") == 1
