"""The manager's settings tab saves through the typed, checked, audited Terminal API call."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from posapp.services import Terminal
from posapp.store.models import AuditEntry
from posapp.ui.dialogs.approval import ApprovalDialog
from posapp.ui.dialogs.manager import ManagerDialog
from posapp.ui.sale_view import SalePage
from tests.services.conftest import MANAGER

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]


def open_manager(qtbot: QtBot, page: SalePage) -> ManagerDialog:
    qtbot.keyClick(page.input, Qt.Key.Key_F12)
    approval = page.active_dialog
    assert isinstance(approval, ApprovalDialog)
    qtbot.keyClicks(approval.code, MANAGER[0])
    qtbot.keyClicks(approval.pin, MANAGER[1])
    approval.submit()
    qtbot.waitUntil(lambda: isinstance(page.active_dialog, ManagerDialog))
    manager = page.active_dialog
    assert isinstance(manager, ManagerDialog)
    return manager


def test_a_too_long_footer_is_refused_and_a_good_one_is_audited(
    qtbot: QtBot, page: SalePage, terminal: Terminal
) -> None:
    manager = open_manager(qtbot, page)
    manager.footer.clear()
    qtbot.keyClicks(manager.footer, "Thank you for shopping with us, see you soon!")  # 45 columns
    manager.save_settings()
    qtbot.waitUntil(lambda: manager.error.isVisible())
    assert "42文字" in manager.error.text()
    assert terminal.reload_settings().footer_messages == ("お買い上げありがとうございます",)

    manager.footer.clear()
    manager.footer.insert("またお越しください / 駐車場あります")  # what the input method commits
    manager.save_settings()
    qtbot.waitUntil(
        lambda: terminal.reload_settings().footer_messages == ("またお越しください", "駐車場あります")
    )
    qtbot.waitUntil(lambda: manager.settings_saved.text() != "")
    with terminal.db.read() as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "settings_changed"))
    assert entry is not None and entry.approved_by == MANAGER[0]
    assert entry.detail["changes"]["footer_messages"][1] == ["またお越しください", "駐車場あります"]
