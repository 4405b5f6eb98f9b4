"""A coupon belongs to the sale: scanned in the real window, kept through suspend and resume, redeemed
once by the sale's push, given back by a void — against a real server process."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from posapp.services import omni
from posapp.services.link import ServerLink
from posapp.ui.dialogs.pay import PayDialog
from posapp.ui.dialogs.resume import ResumeDialog
from posapp.ui.i18n import set_language
from posapp.ui.main_window import MainWindow
from posapp.ui.sale_view import SalePage
from sync.server.omni.models import CouponRedemption
from tests.sync.conftest import LiveServer, PairedTerminal, pg_migrated, server  # noqa: F401 (fixtures)
from tests.sync.test_omni_counter import Shop, connected

pytestmark = [pytest.mark.gui, pytest.mark.integration, pytest.mark.qt_log_ignore("propagateSizeHints")]
TEA, WATER = "4901234567825", "4901234567801"  # ¥398, ¥151


def type_and_enter(qtbot: QtBot, page: SalePage, text: str) -> None:
    qtbot.keyClicks(page.input, text)
    qtbot.keyClick(page.input, Qt.Key.Key_Return)


def open_window(qtbot: QtBot, counter: PairedTerminal, data_dir: Path) -> MainWindow:
    """The real window of a connected terminal, the cashier signed in."""
    set_language("ja")
    window = MainWindow(counter.terminal, data_dir=data_dir, poll_ms=50)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    window.signed_in(counter.terminal.require_clerk())
    return window


def redemptions(live: LiveServer) -> list[tuple[str, str]]:
    with live.session() as session:
        return [
            (row.status, row.order_or_sale_id)
            for row in session.scalars(select(CouponRedemption).order_by(CouponRedemption.id))
        ]


def test_coupon_through_suspend_resume_complete_and_void(
    qtbot: QtBot,
    server: LiveServer,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
) -> None:
    now = datetime.now(UTC)
    server.call("POST", "/v1/admin/coupon-campaigns", json={
        "name": "春の100円引き", "kind": "amount", "value": 100, "min_spend": 300, "single_use": True,
        "valid_from": (now - timedelta(days=1)).isoformat(), "valid_to": (now + timedelta(days=1)).isoformat(),
        "open_code": "SPRING-100"})  # fmt: skip
    shop = Shop(server)
    counter = connected(server, tmp_path)
    other = connected(server, tmp_path / "other")  # the next register of the store
    window = open_window(qtbot, counter, tmp_path / "t1")
    page = window.sale

    type_and_enter(qtbot, page, TEA)
    type_and_enter(qtbot, page, "CPN:SPRING-100")
    qtbot.waitUntil(lambda: "クーポン" in page.banner.text.text())
    assert page.sale is not None and page.sale.totals.amount_due == 298, page.banner.text.text()
    assert "クーポンを適用しました" in page.banner.text.text()
    assert shop.call("GET", "/v1/coupons/SPRING-100").json()["reason"] == "coupon-held"
    held_sale = other.terminal.start_sale()
    held_sale.scan(TEA)
    with pytest.raises(omni.CouponHeld):  # protected between apply and complete
        held_sale.apply_coupon("SPRING-100")

    qtbot.keyClick(page.input, Qt.Key.Key_F5)  # 保留
    qtbot.waitUntil(lambda: page.sale is not None and not page.sale.cart.lines)
    assert counter.terminal.suspended_sales() and redemptions(server) == [("held", "")]

    qtbot.keyClick(page.input, Qt.Key.Key_F6)  # 呼出
    qtbot.waitUntil(lambda: isinstance(page.active_dialog, ResumeDialog))
    dialog = page.active_dialog
    assert isinstance(dialog, ResumeDialog)
    qtbot.waitUntil(lambda: dialog.list.count() == 1)
    qtbot.keyClick(dialog.list, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.sale is not None and len(page.sale.cart.lines) == 1)
    resumed = page.sale
    assert resumed is not None and resumed.coupon is not None and resumed.coupon.code == "SPRING-100"
    assert resumed.totals.amount_due == 298 and resumed.notice is None

    window.activateWindow()  # the offscreen platform does not give focus back to the window by itself
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(page.input, Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: isinstance(page.active_dialog, PayDialog))
    pay = page.active_dialog
    assert isinstance(pay, PayDialog)
    qtbot.keyClick(pay.amount, Qt.Key.Key_Return)  # nothing typed: exact, then complete
    qtbot.waitUntil(lambda: page.last_sale is not None)
    done = page.last_sale
    assert done is not None and done.total == 298
    assert redemptions(server) == [("held", "")]  # nothing redeemed beside the sale itself
    counter.agent.sync_once()
    assert redemptions(server) == [("redeemed", done.sale_id)]
    counter.agent.sync_once()  # a resend changes nothing
    assert redemptions(server) == [("redeemed", done.sale_id)]
    assert shop.call("POST", "/v1/coupons/SPRING-100/redeem", json={
        "redemption_id": "web-1", "order_or_sale_id": "WEB-1", "amount": 100}).status_code == 409  # fmt: skip

    approval = counter.terminal.approve(code="9001", pin="9999", action="void")
    counter.terminal.void_sale(receipt_no=done.receipt_no, approval=approval)
    counter.agent.sync_once()
    assert redemptions(server) == [("released", done.sale_id)]
    assert shop.call("GET", "/v1/coupons/SPRING-100").json()["valid"] is True
    window.close()


def test_a_removed_or_abandoned_coupon_is_given_back_and_offline_needs_a_cached_check(
    qtbot: QtBot,
    server: LiveServer,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
) -> None:
    now = datetime.now(UTC)
    server.call("POST", "/v1/admin/coupon-campaigns", json={
        "name": "アプリ50円", "kind": "amount", "value": 50, "min_spend": 0, "single_use": True,
        "valid_from": (now - timedelta(days=1)).isoformat(), "valid_to": (now + timedelta(days=1)).isoformat(),
        "open_code": "APP-50"})  # fmt: skip
    counter = connected(server, tmp_path)
    window = open_window(qtbot, counter, tmp_path / "t1")
    page = window.sale

    type_and_enter(qtbot, page, WATER)
    type_and_enter(qtbot, page, "CPN:APP-50")
    qtbot.waitUntil(lambda: page.sale is not None and page.sale.totals.amount_due == 101)
    sale = page.sale
    assert sale is not None
    sale.remove_coupon()
    assert sale.totals.amount_due == 151 and redemptions(server) == [("released", "")]

    counter.terminal.link = None  # the line is down: a code never checked here is refused, clearly
    type_and_enter(qtbot, page, "CPN:OTHER-1")
    qtbot.waitUntil(lambda: "オフラインのためクーポンを確認できません" in page.banner.text.text())
    assert sale.coupon is None and sale.totals.amount_due == 151
    # The code this register checked a moment ago may still be taken: the sale carries it and the
    # server redeems it when the sale arrives.
    type_and_enter(qtbot, page, "CPN:APP-50")
    qtbot.waitUntil(lambda: sale.totals.amount_due == 101)
    assert sale.coupon is not None and not sale.coupon.held
    qtbot.keyClick(page.input, Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: isinstance(page.active_dialog, PayDialog))
    pay = page.active_dialog
    assert isinstance(pay, PayDialog)
    qtbot.keyClick(pay.amount, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.last_sale is not None)
    done = page.last_sale
    assert done is not None
    page.banner.clear()
    type_and_enter(qtbot, page, WATER)
    type_and_enter(qtbot, page, "CPN:APP-50")  # used by the sale just made: not from memory again
    qtbot.waitUntil(lambda: "オフラインのためクーポンを確認できません" in page.banner.text.text())
    counter.terminal.link = ServerLink(counter.agent.client, counter.agent)
    counter.agent.sync_once()
    assert redemptions(server) == [("released", ""), ("redeemed", done.sale_id)]
    window.close()
