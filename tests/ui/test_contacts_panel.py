"""The customer panel marks an open complaint in words, from the offline cache the feed fills; the
contact dialog opens from the keyboard and records a contact with no server at all."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from posapp.domain.barcodes import make_member_card
from posapp.services import Terminal
from posapp.store.cache import CacheChange, apply_changes
from posapp.store.models import OutboxEvent
from posapp.ui.dialogs.contact import ContactDialog
from posapp.ui.i18n import set_language
from posapp.ui.sale_view import SalePage
from tests.services.conftest import MEMBER_NO

pytestmark = pytest.mark.gui


def ime_commit(widget: QWidget, text: str) -> None:
    """Japanese reaches a field the way an input method delivers it: one committed string."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def _feed_contact(terminal: Terminal, version: int, *, status: str, kind: str = "complaint") -> None:
    """What the server's change feed sends this store for one of its members' contacts."""
    payload = {
        "id": 7, "contact_id": "WEB-1001", "member_no": MEMBER_NO, "kind": kind, "channel": "web",
        "taken_by": "ウェブショップ", "subject": "届いたグラスが割れていた", "status": status,
        "opened_at": datetime(2026, 11, 30, 3, 0, tzinfo=UTC).isoformat(),
    }  # fmt: skip
    with terminal.db.write() as session:
        apply_changes(session, [CacheChange(version, "contact", "7", payload)], store_code="S001")


def test_the_panel_marks_an_open_complaint_in_words_until_it_is_resolved(
    qtbot: QtBot, page: SalePage, terminal: Terminal
) -> None:
    _feed_contact(terminal, 100, status="in_progress")
    page.handle_scan(make_member_card(MEMBER_NO))
    panel = page.customer_panel
    qtbot.waitUntil(lambda: panel.complaint.isVisible())
    text = panel.complaint.text()
    assert text.startswith("⚠") and "未解決のクレーム 1件" in text and "届いたグラスが割れていた" in text
    assert "Web" in text and "対応中" in text, "the channel and the status are said, not coloured"
    assert "[クレーム・対応中]" in panel.contacts_text.text()
    set_language("en")
    qtbot.waitUntil(lambda: "Open complaint" in panel.complaint.text())
    assert "In progress" in panel.complaint.text() and "Web" in panel.complaint.text()
    set_language("ja")

    _feed_contact(terminal, 101, status="resolved")
    sale = page.sale
    assert sale is not None
    sale.detach_customer()
    page.refresh()
    page.handle_scan(make_member_card(MEMBER_NO))
    qtbot.waitUntil(lambda: panel.contacts is not None and not panel.contacts.contacts)
    assert not panel.complaint.isVisible(), "a resolved complaint leaves the cache and the mark goes"


def test_an_inquiry_is_not_marked_as_a_complaint(qtbot: QtBot, page: SalePage, terminal: Terminal) -> None:
    _feed_contact(terminal, 100, status="open", kind="inquiry")
    page.handle_scan(make_member_card(MEMBER_NO))
    panel = page.customer_panel
    qtbot.waitUntil(lambda: "[問い合わせ・未対応]" in panel.contacts_text.text())
    assert not panel.complaint.isVisible()
    # A note on the web shop's inquiry needs the server; this register has none, and says so.
    qtbot.keyClick(page.input, Qt.Key.Key_F2, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: isinstance(page.active_dialog, ContactDialog))
    dialog = page.active_dialog
    assert isinstance(dialog, ContactDialog)
    qtbot.waitUntil(lambda: dialog.listing.count() == 1)
    dialog.note.setFocus()
    ime_commit(dialog.note, "在庫を確認中")
    qtbot.keyClick(dialog.note, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.error.isVisible())
    assert "サーバーにつながらない" in dialog.error.text() and dialog.note.text() == "在庫を確認中"
    dialog.reject()


def test_shift_f2_records_a_complaint_offline_by_keyboard(
    qtbot: QtBot, page: SalePage, terminal: Terminal
) -> None:
    qtbot.keyClick(page.input, Qt.Key.Key_F2, Qt.KeyboardModifier.ShiftModifier)
    assert page.active_dialog is None and "会員" in page.banner.text.text(), "no member on the sale yet"
    page.handle_scan(make_member_card(MEMBER_NO))
    qtbot.waitUntil(lambda: page.customer_panel.contacts is not None)
    qtbot.keyClick(page.input, Qt.Key.Key_F2, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: isinstance(page.active_dialog, ContactDialog))
    dialog = page.active_dialog
    assert isinstance(dialog, ContactDialog)
    qtbot.waitUntil(lambda: dialog.kind.hasFocus())
    assert dialog.kind.currentData() == "complaint"
    qtbot.keyClick(dialog.kind, Qt.Key.Key_Tab)
    ime_commit(QApplication.focusWidget(), "レシートの金額が違う")
    assert dialog.subject.text() == "レシートの金額が違う", "Tab led from the kind to the subject"
    qtbot.keyClick(dialog.subject, Qt.Key.Key_Tab)
    ime_commit(QApplication.focusWidget(), "値札より100円高い")
    qtbot.keyClick(dialog.body, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: dialog.listing.count() == 1)
    assert "[クレーム・未対応] レシートの金額が違う" in dialog.listing.item(0).text()
    assert "未送信" in dialog.listing.item(0).text()
    with terminal.db.read() as session:
        [event] = session.scalars(select(OutboxEvent).where(OutboxEvent.kind == "contact.recorded")).all()
        assert event.status == "pending" and event.payload["member_no"] == MEMBER_NO
        assert event.payload["body"] == "値札より100円高い" and event.payload["clerk_code"] == "1001"
    # A note goes on the server's record: on an unsent contact the cashier is told so in words.
    dialog.note.setFocus()
    ime_commit(dialog.note, "再確認済み")
    assert dialog.note.text() == "再確認済み", (dialog.note.text(), QApplication.focusWidget())
    qtbot.keyClick(dialog.note, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.error.isVisible())
    assert "まだサーバーに送信されていません" in dialog.error.text()
    dialog.reject()
    panel = page.customer_panel
    qtbot.waitUntil(lambda: panel.complaint.isVisible())
    assert "レシートの金額が違う" in panel.complaint.text() and "店舗" in panel.complaint.text()
