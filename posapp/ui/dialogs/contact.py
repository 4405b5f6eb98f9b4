"""Contacts of the member on the sale: record a complaint, inquiry, return request or compliment
(offline too), see the member's contacts from every channel with their status, add a note.

Keyboard: the kind list has focus first (↑/↓ choose), Tab moves through subject, text and receipt,
Ctrl+Enter records; in the list below, Tab reaches the note line and Enter adds the note.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from posapp.services import Terminal
from posapp.services.contacts import ContactInfo, MemberContacts
from posapp.ui.dialogs.base import PosDialog
from posapp.ui.formatting import local_time
from posapp.ui.i18n import QT_TR_NOOP, tr
from posapp.ui.widgets import touch_button
from posapp.ui.worker import DbWorker, Lane

T = TypeVar("T")
KINDS = (
    ("complaint", QT_TR_NOOP("クレーム")),
    ("inquiry", QT_TR_NOOP("問い合わせ")),
    ("return_request", QT_TR_NOOP("返品依頼")),
    ("compliment", QT_TR_NOOP("お褒め")),
)
STATUSES = {
    "open": QT_TR_NOOP("未対応"),
    "in_progress": QT_TR_NOOP("対応中"),
    "resolved": QT_TR_NOOP("解決済み"),
}
CHANNELS = {
    "store": QT_TR_NOOP("店舗"),
    "web": QT_TR_NOOP("Web"),
    "call_centre": QT_TR_NOOP("コールセンター"),
}


def kind_text(kind: str) -> str:
    """The contact kind in the cashier's language."""
    return tr(dict(KINDS).get(kind, kind))


def status_text(status: str) -> str:
    """The status in the cashier's language."""
    return tr(STATUSES.get(status, status))


def channel_text(channel: str) -> str:
    """The channel in the cashier's language."""
    return tr(CHANNELS.get(channel, channel))


def contact_line(contact: ContactInfo, zone: str) -> str:
    """``11/15 [クレーム・未対応] 破損していた (Web ウェブショップ)`` with ``未送信`` while not sent yet."""
    when = local_time(contact.opened_at, zone, "%m/%d")
    sent = "  " + tr("未送信") if contact.unsent else ""
    channel = channel_text(contact.channel)
    source = (
        channel if contact.taken_by in ("", channel, contact.channel) else f"{channel} {contact.taken_by}"
    )
    return f"{when} [{kind_text(contact.kind)}・{status_text(contact.status)}] {contact.subject}  ({source}){sent}"


class ContactDialog(PosDialog):
    """Emits ``recorded`` after a contact was recorded, so the panel shows it at once."""

    recorded = Signal()

    def __init__(
        self, terminal: Terminal, worker: DbWorker, member_no: str, name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(worker, tr("問い合わせ・クレーム"), parent)
        self.terminal = terminal
        self.member_no = member_no
        self.zone = terminal.settings.timezone
        self.contacts: tuple[ContactInfo, ...] = ()
        form, save = self._build_form(name, member_no)
        right, add = self._build_contacts()
        body = QHBoxLayout()
        body.addLayout(form, 1)
        body.addLayout(right, 1)
        close = touch_button(tr("閉じる"), focus=True)
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        chain = (self.kind, self.subject, self.body, self.receipt, save, self.listing, self.note, add, close)
        for button in (save, add, close):
            button.setAutoDefault(False)  # Enter belongs to the field it is typed in (subject or note)
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)
        self.resize(960, 520)
        self.closed = False
        self.finished.connect(self._close)
        self.kind.setFocus(Qt.FocusReason.OtherFocusReason)
        self.reload()

    # ---- building the screen -----------------------------------------------------------------------

    def _build_form(self, name: str, member_no: str) -> tuple[QFormLayout, QPushButton]:
        """The new contact's fields and its save button (Ctrl+Enter anywhere, Enter in the subject)."""
        self.kind = QComboBox()
        self.kind.setObjectName("contactKind")
        for value, label in KINDS:
            self.kind.addItem(tr(label), value)
        self.subject = QLineEdit()
        self.subject.setObjectName("contactSubject")
        self.subject.setMaxLength(200)
        self.subject.setPlaceholderText(tr("件名(例: 商品の破損)"))
        self.body = QPlainTextEdit()
        self.body.setObjectName("contactBody")
        self.body.setTabChangesFocus(True)
        self.body.setPlaceholderText(tr("内容"))
        self.body.setFixedHeight(90)
        self.receipt = QLineEdit()
        self.receipt.setObjectName("contactReceipt")
        self.receipt.setMaxLength(40)
        self.receipt.setPlaceholderText(tr("レシート番号(任意)"))
        save = touch_button(tr("記録する (Ctrl+Enter)"), name="primary", focus=True)
        save.setObjectName("contactSave")
        save.clicked.connect(self.save)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(self.save)
        self.subject.returnPressed.connect(self.save)
        form = QFormLayout()
        form.addRow(tr("会員"), QLabel(f"{name}  No.{member_no}"))
        form.addRow(tr("種類"), self.kind)
        form.addRow(tr("件名"), self.subject)
        form.addRow(tr("内容"), self.body)
        form.addRow(tr("レシート"), self.receipt)
        form.addRow("", save)
        form.addRow("", QLabel(tr("オフラインでも記録できます。サーバーには後で送信されます。")))
        return form, save

    def _build_contacts(self) -> tuple[QVBoxLayout, QPushButton]:
        """The member's contacts, the chosen one's text, and a note to add to it."""
        self.source = QLabel()
        self.source.setObjectName("contactSource")
        self.listing = QListWidget()
        self.listing.setObjectName("contactList")
        self.listing.setWordWrap(True)  # a long subject wraps instead of scrolling sideways
        self.listing.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.listing.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.listing.currentRowChanged.connect(self._selected)
        self.detail = QLabel()
        self.detail.setObjectName("historyText")
        self.detail.setWordWrap(True)
        self.note = QLineEdit()
        self.note.setObjectName("contactNote")
        self.note.setMaxLength(2000)
        self.note.setPlaceholderText(tr("選んだ件にメモを追加(Enter)"))
        self.note.returnPressed.connect(self.add_note)
        add = touch_button(tr("メモ追加"), focus=True)
        add.clicked.connect(self.add_note)
        note_row = QHBoxLayout()
        note_row.addWidget(self.note, 1)
        note_row.addWidget(add)
        right = QVBoxLayout()
        right.addWidget(self.source)
        right.addWidget(self.listing, 1)
        right.addWidget(self.detail)
        right.addLayout(note_row)
        return right, add

    def _close(self, _result: int) -> None:
        self.closed = True

    def run(self, op: Callable[[], T], success: Callable[[T], None], *, lane: Lane = Lane.DB) -> None:
        """Run ``op`` on the worker; an answer that arrives after the dialog closed is dropped."""
        super().run(op, lambda value: None if self.closed else success(value), lane=lane)

    def reload(self) -> None:
        """Fetch the member's contacts on the worker (live, else the cache)."""
        member_no = self.member_no
        self.run(lambda: self.terminal.customer_contacts(member_no), self._show, lane=Lane.IO)

    def _show(self, found: MemberContacts) -> None:
        self.contacts = found.contacts
        if found.live:
            self.source.setText(tr("全チャネルのお問い合わせ(サーバー)"))
        else:
            as_of = local_time(found.as_of, self.zone, "%m/%d %H:%M")
            self.source.setText(tr("このレジの記録(未解決のみ)") + "  " + tr("時点") + f" {as_of}")
        self.listing.clear()
        for contact in found.contacts:
            self.listing.addItem(contact_line(contact, self.zone))
        if found.contacts:
            self.listing.setCurrentRow(0)
        else:
            self.detail.setText(tr("お問い合わせの記録はありません"))

    def _selected(self, row: int) -> None:
        if not 0 <= row < len(self.contacts):
            self.detail.clear()
            return
        contact = self.contacts[row]
        lines = [contact.body] if contact.body else []
        lines += [
            f"・{local_time(note.written_at, self.zone, '%m/%d %H:%M')} {note.author}: {note.body}"
            for note in contact.notes
        ]
        self.detail.setText("\n".join(lines))

    def save(self) -> None:
        """Record the contact from the form (kept here and queued for the server)."""
        member_no, kind = self.member_no, str(self.kind.currentData())
        subject, body, receipt = self.subject.text(), self.body.toPlainText(), self.receipt.text()
        self.run(
            lambda: self.terminal.record_contact(
                member_no=member_no, kind=kind, subject=subject, body=body, receipt_no=receipt
            ),
            self._saved,
        )

    def _saved(self, _contact: ContactInfo) -> None:
        self.subject.clear()
        self.body.clear()
        self.receipt.clear()
        self.recorded.emit()
        self.reload()

    def add_note(self) -> None:
        """Add the typed note to the chosen contact (needs the server)."""
        row = self.listing.currentRow()
        if not 0 <= row < len(self.contacts):
            self.show_error(tr("メモを追加する件を一覧から選んでください。"))
            return
        server_id, body = self.contacts[row].server_id, self.note.text()
        self.run(
            lambda: self.terminal.add_contact_note(server_id=server_id, body=body), self._noted, lane=Lane.IO
        )

    def _noted(self, _contact: ContactInfo) -> None:
        self.note.clear()
        self.reload()
