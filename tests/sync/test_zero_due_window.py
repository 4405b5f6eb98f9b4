"""Points paying a whole sale, at the real counter window against a live server: the sale ends at its
receipt with no tender, reaches the server once, and returns in parts give the points back by line."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from posapp.domain.barcodes import make_member_card
from posapp.store.models import OutboxEvent
from posapp.ui.dialogs.pay import PayDialog
from posapp.ui.dialogs.returns import ReturnsDialog
from posapp.ui.main_window import MainWindow
from posapp.ui.sale_view import SalePage
from sync.protocol.events import ReturnCompleted, SaleCompleted
from sync.server.customers.models import Customer
from sync.server.points import service as points_service
from sync.server.sales.models import StoreSale
from tests.services.conftest import MANAGER, MEMBER_NO
from tests.sync.conftest import LiveServer, PairedTerminal, points_consistent
from tests.sync.test_omni_counter import connected

pytestmark = [pytest.mark.gui, pytest.mark.integration, pytest.mark.qt_log_ignore("propagateSizeHints")]
ONIGIRI, BATTERY = "4901234567894", "4901234567832"  # ¥138 (8 %) and ¥657 (10 %)


def type_and_enter(qtbot: QtBot, widget: object, text: str) -> None:
    qtbot.keyClicks(widget, text)
    qtbot.keyClick(widget, Qt.Key.Key_Return)


def server_balance(server: LiveServer) -> int:
    with server.session() as session:
        customer_id = session.scalar(select(Customer.id).where(Customer.member_no == MEMBER_NO))
        assert customer_id is not None
        return points_service.balance(session, customer_id=customer_id)


def outbox(counter: PairedTerminal, kind: str) -> list[OutboxEvent]:
    with counter.terminal.db.read() as session:
        rows = list(
            session.scalars(select(OutboxEvent).where(OutboxEvent.kind == kind).order_by(OutboxEvent.seq))
        )
        for row in rows:
            session.expunge(row)
        return rows


def return_one_line(qtbot: QtBot, page: SalePage, receipt_no: str, line_no: int) -> int:
    """F7 against ``receipt_no``: line ``line_no`` comes back, approved by the manager; the points restored."""
    page.open_returns(receipt_no)
    dialog = page.active_dialog
    assert isinstance(dialog, ReturnsDialog)
    qtbot.waitUntil(lambda: len(dialog.lines) >= 1)
    dialog.set_quantity(line_no, 1)
    dialog.refund_button.click()
    approval = dialog.approval_dialog
    qtbot.keyClicks(approval.code, MANAGER[0])
    qtbot.keyClicks(approval.pin, MANAGER[1])
    approval.submit()
    qtbot.waitUntil(lambda: dialog.refund_result is not None)
    assert dialog.refund_result is not None and dialog.refund_result.total == 0
    restored = dialog.refund_result.points_used
    dialog.reject()
    return restored


def test_points_pay_the_whole_sale_and_come_back_by_line(
    qtbot: QtBot, server: LiveServer, tmp_path: Path
) -> None:
    counter = connected(server, tmp_path)
    window = MainWindow(counter.terminal, data_dir=tmp_path / "t1", poll_ms=50)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitActive(window):
        window.activateWindow()  # F10 is a window shortcut, as at the counter
    window.signed_in(counter.terminal.require_clerk())
    page = window.sale
    before = server_balance(server)

    for code in (ONIGIRI, BATTERY, make_member_card(MEMBER_NO)):
        type_and_enter(qtbot, page.input, code)
    qtbot.waitUntil(lambda: page.sale is not None and page.sale.customer is not None)
    qtbot.keyClick(page.input, Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: isinstance(page.active_dialog, PayDialog))
    dialog = page.active_dialog
    assert isinstance(dialog, PayDialog) and dialog.due.text() == "¥795"
    type_and_enter(qtbot, dialog.points_input, "795")  # the server holds them; nothing left to tender
    qtbot.waitUntil(lambda: page.last_sale is not None)
    done = page.last_sale
    assert done is not None and (done.total, done.change, done.points_used) == (0, 0, 795)
    preview = page.receipt_preview.toPlainText().splitlines()
    assert not any(line.startswith(("お預り", "お釣り")) for line in preview)
    [event] = outbox(counter, "sale.completed")
    sale = SaleCompleted.model_validate(event.payload)
    assert (sale.total, sale.payments, sale.points_used, sale.points_hold_id is not None) == (
        0,
        [],
        795,
        True,
    )

    counter.agent.sync_once()
    counter.agent.sync_once()  # a second push sends nothing again
    with server.session() as session:
        stored = session.get(StoreSale, sale.sale_id)
        assert stored is not None and (stored.total, stored.points_used) == (0, 795)
    assert server_balance(server) == before - 795  # spent once
    assert [row.status for row in outbox(counter, "sale.completed")] == ["sent"]

    # Back by line: the ¥138 onigiri gives back its 138 points (was all 795), the battery the rest.
    assert return_one_line(qtbot, page, done.receipt_no, 1) == 138
    assert return_one_line(qtbot, page, done.receipt_no, 2) == 657
    returns = [ReturnCompleted.model_validate(row.payload) for row in outbox(counter, "return.completed")]
    assert [(r.total, r.points_restored) for r in returns] == [(0, 138), (0, 657)]
    counter.agent.sync_once()
    assert server_balance(server) == before
    points_consistent(server)
    window.close()
