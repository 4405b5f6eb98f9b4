"""Scan routing lives in ``SaleSession.scan``: the window and the API route every code the same way."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from posapp.domain.barcodes import make_member_card
from posapp.domain.errors import InvalidBarcode
from posapp.services import Terminal
from posapp.services.link import ServerLink
from posapp.ui.sale_view import SalePage
from tests.services.conftest import CASHIER, MEMBER_NO
from tests.sync.conftest import LiveServer, pair_terminal
from tests.sync.conftest import server as server  # the live server fixture

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]
TEA = "4901234567801"


def type_and_enter(qtbot: QtBot, page: SalePage, text: str) -> None:
    qtbot.keyClicks(page.input, text)
    qtbot.keyClick(page.input, Qt.Key.Key_Return)


def test_scanning_an_existing_members_card_calls_them_up(qtbot: QtBot, page: SalePage) -> None:
    type_and_enter(qtbot, page, make_member_card(MEMBER_NO))
    assert page.customer_panel.name.text() == "鈴木 花子"
    banner = page.banner.text.text()
    assert "会員を呼び出しました" in banner and "登録" not in banner


def test_a_member_number_typed_in_the_scan_line_attaches_the_member(qtbot: QtBot, page: SalePage) -> None:
    type_and_enter(qtbot, page, TEA)
    type_and_enter(qtbot, page, MEMBER_NO)
    assert page.sale is not None and page.sale.customer is not None
    assert page.sale.customer.member_no == MEMBER_NO
    assert page.model.rowCount() == 1, "the member number did not become a product"
    assert page.banner.text.text().startswith("会員を呼び出しました")


def test_the_api_routes_the_same_codes(terminal: Terminal) -> None:
    terminal.sign_in(code=CASHIER[0], pin=CASHIER[1])
    sale = terminal.start_sale()
    assert sale.scan(TEA).line_index == 0
    assert sale.scan(MEMBER_NO).customer is not None
    assert sale.scan("S001-02-000001").receipt_no == "S001-02-000001"
    with pytest.raises(InvalidBarcode):
        sale.scan("12345678901")  # neither a barcode nor a member: the scan's own error
    assert len(sale.cart.lines) == 1


@pytest.mark.integration
@pytest.mark.parametrize("server", ["sqlite"], indirect=True)
def test_a_coupon_scanned_through_the_api_is_applied(server: LiveServer, tmp_path: Path) -> None:
    now = datetime.now(UTC)
    server.call("POST", "/v1/admin/coupon-campaigns", json={
        "name": "来店クーポン", "kind": "amount", "value": 100, "min_spend": 100,
        "valid_from": (now - timedelta(days=1)).isoformat(), "valid_to": (now + timedelta(days=7)).isoformat(),
        "single_use": True, "open_code": "VISIT-100",
    })  # fmt: skip
    paired = pair_terminal(server, tmp_path / "t")
    paired.terminal.link = ServerLink(paired.agent.client, paired.agent)
    sale = paired.terminal.start_sale()
    sale.scan("4901234567832")  # ¥657: ¥100 off needs no manager
    result = sale.scan("CPN:visit-100")
    assert result.coupon is not None and result.coupon.discount == 100
    assert sale.totals.amount_due == 657 - 100
    paired.terminal.link = None
    paired.agent.client.close()
    paired.terminal.close()
