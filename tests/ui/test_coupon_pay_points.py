"""Points in the real pay dialog: a refused amount leaves the sale exactly as it was."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from posapp.domain.barcodes import make_member_card
from posapp.domain.tender import TenderKind
from posapp.store.models import OutboxEvent
from posapp.ui.dialogs.pay import PayDialog
from posapp.ui.sale_view import SalePage
from sync.protocol.events import SaleCompleted
from tests.services.conftest import MEMBER_NO

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]
ONIGIRI, TEA = "4901234567894", "4901234567801"


def type_and_enter(qtbot: QtBot, widget: object, text: str) -> None:
    qtbot.keyClicks(widget, text)
    qtbot.keyClick(widget, Qt.Key.Key_Return)


def test_points_refused_as_overpaying_are_not_applied(qtbot: QtBot, page: SalePage) -> None:
    for code in (ONIGIRI, TEA, make_member_card(MEMBER_NO)):
        type_and_enter(qtbot, page.input, code)
    qtbot.keyClick(page.input, Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: isinstance(page.active_dialog, PayDialog))
    dialog = page.active_dialog
    assert isinstance(dialog, PayDialog) and page.sale is not None
    dialog.select_kind(TenderKind.CARD)
    type_and_enter(qtbot, dialog.amount, "200")  # ¥200 of ¥289 on the card
    assert dialog.remaining.text().endswith("¥89")

    type_and_enter(qtbot, dialog.points_input, "100")  # would leave the card paying ¥200 of ¥189
    qtbot.waitUntil(lambda: not dialog.error.isHidden())
    assert "現金以外はお預りが合計を超えられません" in dialog.error.text()
    assert page.sale.cart.points_used == 0
    assert page.sale.totals.amount_due == 289 and dialog.due.text() == "¥289"
    assert dialog.remaining.text().endswith("¥89")

    dialog.points_input.clear()
    type_and_enter(qtbot, dialog.points_input, "80")  # ¥209 due, ¥200 on the card: fine
    qtbot.waitUntil(lambda: dialog.due.text() == "¥209")
    assert page.sale.cart.points_used == 80 and dialog.error.isHidden()
    dialog.select_kind(TenderKind.CASH)
    qtbot.keyClick(dialog.amount, Qt.Key.Key_Return)  # nothing typed: the rest in cash, then complete
    qtbot.waitUntil(lambda: page.last_sale is not None)
    assert page.last_sale is not None and page.last_sale.points_used == 80


def test_a_payment_method_is_called_on_screen_what_its_receipt_prints(qtbot: QtBot, page: SalePage) -> None:
    type_and_enter(qtbot, page.input, ONIGIRI)
    qtbot.keyClick(page.input, Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: isinstance(page.active_dialog, PayDialog))
    dialog = page.active_dialog
    assert isinstance(dialog, PayDialog)
    assert dialog.kind_buttons[TenderKind.CARD].text() == "カード"  # type: ignore[attr-defined]
    dialog.select_kind(TenderKind.CARD)
    type_and_enter(qtbot, dialog.amount, "138")  # paid in full: the sale completes
    qtbot.waitUntil(lambda: page.last_sale is not None)
    preview = page.receipt_preview.toPlainText().splitlines()
    assert any(line.startswith("カード") and line.endswith("¥138") for line in preview)


def test_points_paying_the_whole_total_end_at_the_receipt(qtbot: QtBot, page: SalePage) -> None:
    for code in (ONIGIRI, TEA, make_member_card(MEMBER_NO)):
        type_and_enter(qtbot, page.input, code)
    qtbot.keyClick(page.input, Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: isinstance(page.active_dialog, PayDialog))
    dialog = page.active_dialog
    assert isinstance(dialog, PayDialog) and dialog.due.text() == "¥289"

    type_and_enter(qtbot, dialog.points_input, "289")  # 1 pt = ¥1: nothing left to tender
    qtbot.waitUntil(lambda: page.last_sale is not None)  # was a pydantic ValidationError on completing
    done = page.last_sale
    assert done is not None and (done.total, done.change, done.points_used) == (0, 0, 289)
    assert page.active_dialog is None
    preview = page.receipt_preview.toPlainText().splitlines()
    assert not any(line.startswith(("お預り", "お釣り", "現金")) for line in preview)
    assert any("289" in line and "ポイント" in line for line in preview)
    with page.terminal.db.read() as session:
        [event] = session.scalars(select(OutboxEvent).where(OutboxEvent.kind == "sale.completed")).all()
        payload = SaleCompleted.model_validate(event.payload)
    assert (payload.total, payload.points_used, payload.payments, payload.change) == (0, 289, [], 0)
    assert payload.receipt_no == done.receipt_no
