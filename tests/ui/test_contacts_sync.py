"""A contact recorded in the window while the server is down reaches the server after reconnect, on
SQLite and PostgreSQL: the cashier sees the call centre's complaint live, records one by keyboard
offline, the sync agent delivers it, and a note added afterwards lands on the server's record."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from posapp.domain.barcodes import make_member_card
from posapp.services.link import ServerLink
from posapp.store.models import Contact, OutboxEvent
from posapp.ui.dialogs.contact import ContactDialog
from posapp.ui.dialogs.customer import CustomerDialog
from posapp.ui.main_window import MainWindow
from sync.client.errors import ServerUnavailable
from tests.server.conftest import pg_migrated  # noqa: F401  (a fixture the server fixture uses)
from tests.services.conftest import MEMBER_NO
from tests.sync.conftest import LiveServer, pair_terminal, server  # noqa: F401  (server is a fixture)
from tests.ui.test_contacts_panel import ime_commit

pytestmark = [pytest.mark.gui, pytest.mark.integration]


def test_a_contact_recorded_offline_reaches_the_server_after_reconnect(
    qtbot: QtBot,
    server: LiveServer,  # noqa: F811
    tmp_path: Path,
) -> None:
    key = server.call("POST", "/v1/admin/channels", json={"name": "コールセンター", "kind": "call_centre"})[
        "api_key"
    ]
    complaint = {
        "contact_id": "CC-55",
        "member_no": MEMBER_NO,
        "kind": "complaint",
        "subject": "配達が遅れた",
    }
    answer = requests.post(
        server.url + "/v1/channel/contacts",
        json=complaint,
        headers={"Authorization": f"Bearer {key}"},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    customer_id = answer.json()["customer_id"]
    counter = pair_terminal(server, tmp_path / "t1")
    terminal = counter.terminal
    terminal.link = ServerLink(counter.agent.client, counter.agent)
    window = MainWindow(terminal, data_dir=tmp_path / "t1", poll_ms=50)
    qtbot.addWidget(window)
    window.show()
    window.signed_in(terminal.require_clerk())
    page = window.sale

    page.handle_scan(make_member_card(MEMBER_NO))
    panel = page.customer_panel
    qtbot.waitUntil(lambda: panel.complaint.isVisible(), timeout=10_000)
    assert "配達が遅れた" in panel.complaint.text() and "コールセンター" in panel.complaint.text()

    server.stop()
    qtbot.keyClick(page.input, Qt.Key.Key_F2, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: isinstance(page.active_dialog, ContactDialog))
    dialog = page.active_dialog
    assert isinstance(dialog, ContactDialog)
    qtbot.waitUntil(lambda: dialog.kind.hasFocus())
    qtbot.keyClick(dialog.kind, Qt.Key.Key_Down)  # 問い合わせ
    assert dialog.kind.currentData() == "inquiry"
    qtbot.keyClick(dialog.kind, Qt.Key.Key_Tab)
    focused = QApplication.focusWidget()
    assert focused is not None
    ime_commit(focused, "配達の遅れについて再度のお問い合わせ")
    qtbot.keyClick(dialog.subject, Qt.Key.Key_Return)
    # Offline the list is what the register keeps: its store's member's open complaint from the call
    # centre (from the feed) and the inquiry just taken, not sent yet.
    qtbot.waitUntil(lambda: dialog.listing.count() == 2, timeout=10_000)
    offline = [dialog.listing.item(i).text() for i in range(2)]
    assert "このレジの記録" in dialog.source.text()
    assert any("配達の遅れについて再度のお問い合わせ" in line and "未送信" in line for line in offline), (
        offline
    )
    assert any("[クレーム・未対応] 配達が遅れた" in line and "コールセンター" in line for line in offline), (
        offline
    )
    with pytest.raises(ServerUnavailable):
        counter.agent.sync_once()
    with terminal.db.read() as session:
        [event] = session.scalars(select(OutboxEvent).where(OutboxEvent.kind == "contact.recorded")).all()
        assert event.status == "pending"

    server.start()
    counter.agent.sync_once()
    rows = server.call("GET", f"/v1/customers/{customer_id}/contacts")
    mine = [row for row in rows if row["channel"] == "store"]
    assert [(row["kind"], row["taken_by"], row["subject"]) for row in mine] == [
        ("inquiry", "S001", "配達の遅れについて再度のお問い合わせ")
    ]
    with terminal.db.read() as session:
        assert session.scalars(
            select(OutboxEvent.status).where(OutboxEvent.kind == "contact.recorded")
        ).all() == ["sent"]
        cached = session.scalars(select(Contact).where(Contact.channel == "store")).one()
        assert cached.server_id == mine[0]["id"], (
            "the feed brought the server's id back to the register's copy"
        )

    # Online again: the cashier adds a note to the inquiry, signed with the store.
    dialog.reload()
    qtbot.waitUntil(
        lambda: "サーバー" in dialog.source.text() and dialog.listing.count() == 2, timeout=10_000
    )
    row = next(
        i for i in range(dialog.listing.count()) if "再度のお問い合わせ" in dialog.listing.item(i).text()
    )
    dialog.listing.setCurrentRow(row)
    dialog.note.setFocus()
    ime_commit(dialog.note, "店長から折り返し電話済み")
    qtbot.keyClick(dialog.note, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.note.text() == "", timeout=10_000)
    notes = [
        (note["author"], note["body"])
        for row in server.call("GET", f"/v1/customers/{customer_id}/contacts")
        for note in row["notes"]
    ]
    assert notes == [("S001", "店長から折り返し電話済み")]
    dialog.reject()
    qtbot.waitUntil(lambda: page.active_dialog is None)
    window.activateWindow()  # what the window manager does when a dialog closes (offscreen does not)
    qtbot.waitUntil(lambda: window.isActiveWindow())

    # The 360° view (F2) lists the contacts in the timeline beside purchases, with kind, status and source.
    qtbot.keyClick(page.input, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: isinstance(page.active_dialog, CustomerDialog))
    member_dialog = page.active_dialog
    assert isinstance(member_dialog, CustomerDialog)
    qtbot.keyClicks(member_dialog.query, MEMBER_NO)
    qtbot.keyClick(member_dialog.query, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "お問い合わせ" in member_dialog.view.timeline.text(), timeout=10_000)
    timeline = member_dialog.view.timeline.text()
    assert "[クレーム・未対応]  コールセンター  配達が遅れた" in timeline, timeline
    assert "[問い合わせ・未対応]  配達の遅れについて" in timeline, timeline
    member_dialog.reject()
    window.close()
