"""The customer panel: empty until a member is attached, then the whole customer at a glance."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from posapp.services.contacts import MemberContacts
from posapp.services.customers import CustomerInfo
from posapp.services.history import CustomerHistory
from posapp.services.interests import OnlineInterests
from posapp.ui.dialogs.contact import channel_text, contact_line, status_text
from posapp.ui.formatting import local_time, points, rank_text, yen
from posapp.ui.history_text import kind_label, place, purchases
from posapp.ui.i18n import tr
from posapp.ui.widgets import Retranslating, caption, touch_button


@dataclass(frozen=True, slots=True)
class PanelPurchase:
    """One line of the panel's recent purchases: a view of a ``sync.protocol.live.HistoryEntry`` (the
    wire model of every event in a customer's history) reduced to what the panel shows."""

    at: datetime
    channel: str
    place: str
    amount: int
    note: str = ""


def panel_purchases(history: CustomerHistory) -> list[PanelPurchase]:
    """The purchases of a customer's timeline for the panel, returns and voids labelled as such."""
    return [
        PanelPurchase(
            at=entry.occurred_at,
            channel=entry.channel,
            place=place(entry),
            amount=entry.amount or 0,
            note="" if entry.kind in ("store_sale", "online_order") else kind_label(entry),
        )
        for entry in purchases(history)
    ]


def history_lines(entries: Sequence[PanelPurchase], zone: str, limit: int = 3) -> list[str]:
    """``11/15 新宿店  ¥3,240`` lines, newest first, with a channel mark for online orders."""
    lines = []
    for entry in sorted(entries, key=lambda e: e.at, reverse=True)[:limit]:
        mark = "EC " if entry.channel == "online" else ""  # text, not an emoji: POS fonts have no emoji
        kind = f"{entry.note}  " if entry.note else ""
        lines.append(f"{local_time(entry.at, zone, '%m/%d')}  {mark}{entry.place}  {kind}{yen(entry.amount)}")
    return lines


def complaint_text(contacts: MemberContacts) -> str:
    """``⚠ 未解決のクレーム 1件: 破損していた (Web)``: words, so it reads without the colour."""
    complaints = contacts.open_complaints
    if not complaints:
        return ""
    newest = complaints[0]
    return (
        "⚠ "
        + tr("未解決のクレーム")
        + f" {len(complaints)}"
        + tr("件")
        + f": {newest.subject}  ({channel_text(newest.channel)}・{status_text(newest.status)})"
    )


def contact_lines(contacts: MemberContacts, zone: str, limit: int = 3) -> list[str]:
    """The newest contacts with their kind and status, for the panel."""
    return [contact_line(contact, zone) for contact in contacts.contacts[:limit]]


class CustomerPanel(Retranslating, QFrame):
    """Name, member no, shared and available points, rank, last visit, note, an open complaint,
    recent purchases and contacts; ``contact_requested`` when the cashier wants to record one."""

    contact_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("customerPanel")
        self.zone = "Asia/Tokyo"
        self.customer: CustomerInfo | None = None
        self.history: list[PanelPurchase] | None = None
        self.contacts: MemberContacts | None = None
        self.complaint = QLabel()
        self.complaint.setObjectName("openComplaint")
        self.complaint.setWordWrap(True)
        self.complaint.hide()
        self.contacts_title = caption(name="sectionTitle")
        self.contacts_text = QLabel()
        self.contacts_text.setWordWrap(True)
        self.contacts_text.setObjectName("historyText")
        self.contact_button = touch_button(name="contactButton")
        self.contact_button.clicked.connect(self.contact_requested)
        self.history_age = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(6)
        self.title = caption(name="panelTitle")
        self.name = QLabel()
        self.name.setObjectName("customerName")
        self.member_no = QLabel()
        self.points = QLabel()
        self.points.setObjectName("customerPoints")
        self.points.setWordWrap(True)
        self.available = QLabel()
        self.rank = QLabel()
        self.note = QLabel()
        self.note.setObjectName("customerNote")
        self.note.setWordWrap(True)
        self.history_title = caption(name="sectionTitle")
        self.history_text = QLabel()
        self.history_text.setWordWrap(True)
        self.history_text.setObjectName("historyText")
        self.interests_text = QLabel()
        self.interests_text.setWordWrap(True)
        self.interests_text.setObjectName("historyText")
        self.interests_text.hide()
        for widget in (
            self.title,
            self.name,
            self.member_no,
            self.points,
            self.available,
            self.rank,
            self.complaint,
            self.note,
            self.history_title,
            self.history_text,
            self.contacts_title,
            self.contacts_text,
            self.contact_button,
            self.interests_text,
        ):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.retranslate()

    def show_customer(
        self, customer: CustomerInfo | None, history: list[PanelPurchase] | None = None, age: str = ""
    ) -> None:
        """Fill the panel (``None`` empties it); ``history`` is ``None`` when not available yet, ``age``
        says how fresh it is."""
        if customer is None or (self.customer is not None and self.customer.member_no != customer.member_no):
            self.contacts = None
        self.customer = customer
        self.history = history
        self.history_age = age
        self.retranslate()

    def show_contacts(self, contacts: MemberContacts | None) -> None:
        """The member's contacts (``None``: not looked up yet); an open complaint is marked in words."""
        self.contacts = contacts
        self.retranslate()

    def show_interests(self, interests: OnlineInterests | None) -> None:
        """What the member looked at or left in a cart online, with this store's stock (live only)."""
        if interests is None or not interests.live or not (interests.items or interests.categories):
            self.interests_text.hide()
            return
        lines = ["─ " + tr("オンラインで気になる商品") + " ─"]
        for item in interests.items[:3]:
            stock = "—" if item.stock_here is None else str(item.stock_here)
            mark = tr("カート") if item.cart_abandoned or item.added_to_cart else tr("閲覧")
            lines.append(f"[{mark}] {item.name}  (" + tr("在庫") + f" {stock})")
        if interests.categories:
            lines.append(
                tr("よく買う分類") + ": " + "、".join(name for name, _count in interests.categories[:3])
            )
        self.interests_text.setText("\n".join(lines))
        self.interests_text.show()

    def retranslate(self) -> None:
        """Texts in the current language."""
        customer = self.customer
        self.title.setText(tr("会員"))
        filled = customer is not None
        for widget in (self.member_no, self.points, self.available, self.rank, self.history_title):
            widget.setVisible(filled)
        for shown in (self.history_text, self.contacts_title, self.contacts_text, self.contact_button):
            shown.setVisible(filled)
        self.contact_button.setText(tr("問い合わせ・クレーム記録") + " (Shift+F2)")
        self._show_contacts()
        if customer is None:
            self.name.setText(tr("会員カードをスキャン"))
            self.note.hide()
            self.interests_text.hide()
            return
        self.name.setText(customer.name)
        self.member_no.setText(f"No.{customer.member_no}")
        self.points.setText(
            tr("ポイント") + f" {points(customer.points_balance)}  (" + tr("店舗・EC共通") + ")"
        )
        self.available.setText(tr("利用可能") + f" {points(customer.available_points)}")
        visit = local_time(customer.last_visit, self.zone, "%m/%d")
        self.rank.setText(f"{rank_text(customer.rank)}   " + tr("最終来店") + f" {visit}")
        self.note.setVisible(bool(customer.note))
        self.note.setText(f"⚠ {customer.note}")
        age = f"  ({self.history_age})" if self.history_age else ""
        self.history_title.setText("─ " + tr("最近の購入") + " ─" + age)
        if self.history is None:
            self.history_text.setText(tr("履歴を読み込んでいます…"))
        elif not self.history:
            self.history_text.setText(tr("購入履歴はありません"))
        else:
            self.history_text.setText("\n".join(history_lines(self.history, self.zone)))

    def _show_contacts(self) -> None:
        contacts = self.contacts if self.customer is not None else None
        warning = complaint_text(contacts) if contacts is not None else ""
        self.complaint.setText(warning)
        self.complaint.setVisible(bool(warning))
        self.contacts_title.setText("─ " + tr("お問い合わせ・クレーム") + " ─")
        if contacts is None:
            self.contacts_text.setText(tr("確認中…"))
        elif not contacts.contacts:
            self.contacts_text.setText(tr("お問い合わせの記録はありません"))
        else:
            lines = contact_lines(contacts, self.zone)
            if not contacts.live:
                lines.append(tr("このレジの記録(未解決のみ)"))
            self.contacts_text.setText("\n".join(lines))
