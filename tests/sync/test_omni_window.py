"""The pickup list and the coupon scan in the real window, against a live server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from posapp.domain.barcodes import make_member_card
from posapp.domain.tender import TenderKind
from posapp.ui.dialogs.pickups import PickupsDialog
from posapp.ui.main_window import MainWindow
from tests.services.conftest import MEMBER_NO
from tests.sync.conftest import LiveServer
from tests.sync.test_omni_counter import Shop, connected, pickup_order

pytestmark = [pytest.mark.gui, pytest.mark.integration]


def test_pickup_list_and_coupon_scan(qtbot: QtBot, server: LiveServer, tmp_path: Path) -> None:
    now = datetime.now(UTC)
    shop = Shop(server)
    assert shop.call("POST", "/v1/channel/orders", json=pickup_order("WEB-7", "S001")).status_code == 200
    server.call("POST", "/v1/admin/coupon-campaigns", json={
        "name": "アプリ限定", "kind": "amount", "value": 50, "min_spend": 0, "single_use": True,
        "valid_from": (now - timedelta(days=1)).isoformat(), "valid_to": (now + timedelta(days=1)).isoformat(),
        "open_code": "APP-50"})  # fmt: skip
    events = [{"event_id": "w-1", "member_no": MEMBER_NO, "sku": "SKU-TEA", "kind": "cart_abandoned",
               "at": (now - timedelta(hours=2)).isoformat()}]  # fmt: skip
    assert shop.call("POST", "/v1/channel/events", json={"events": events}).json()["accepted"] == 1
    counter = connected(server, tmp_path)
    window = MainWindow(counter.terminal, data_dir=tmp_path / "t1", poll_ms=50)
    qtbot.addWidget(window)
    window.show()
    window.signed_in(counter.terminal.require_clerk())
    page = window.sale

    page.keys.buttons["pickups"].click()
    qtbot.waitUntil(lambda: isinstance(page.active_dialog, PickupsDialog))
    dialog = page.active_dialog
    assert isinstance(dialog, PickupsDialog)
    qtbot.waitUntil(
        lambda: any("WEB-7" in dialog.orders.item(i).text() for i in range(dialog.orders.count()))
    )
    dialog.collect()
    qtbot.waitUntil(lambda: dialog.orders.count() == 1 and "ありません" in dialog.orders.item(0).text())
    assert shop.call("GET", "/v1/channel/orders/WEB-7").json()["status"] == "collected"
    dialog.reject()

    page.handle_scan(make_member_card(MEMBER_NO))
    panel = page.customer_panel
    qtbot.waitUntil(lambda: panel.interests_text.isVisible() and "緑茶" in panel.interests_text.text())
    assert "[カート] 緑茶" in panel.interests_text.text() and "在庫" in panel.interests_text.text()
    page.sale.detach_customer()  # type: ignore[union-attr]
    page.handle_scan("4901234567825")
    page.handle_scan("CPN:APP-50")
    qtbot.waitUntil(lambda: page.sale is not None and page.sale.totals.amount_due == 398 - 50)
    sale = page.sale
    assert sale is not None
    sale.add_tender(TenderKind.CASH, 348)
    page.sale_completed(sale.complete())
    # The counter redeems on its worker thread; wait for that (asking, not trying to use the code).
    qtbot.waitUntil(lambda: shop.call("GET", "/v1/coupons/APP-50").json().get("valid") is False)
    again = shop.call("POST", "/v1/coupons/APP-50/redeem", json={
        "redemption_id": "web-2", "order_or_sale_id": "WEB-8", "amount": 50})  # fmt: skip
    assert again.status_code == 409
    window.close()
