"""A member's history in words: what each entry is (a return is a return), where, and how old it is."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from posapp.services.history import CustomerHistory
from posapp.ui.dialogs.contact import kind_text, status_text
from posapp.ui.formatting import local_time, points, yen
from posapp.ui.i18n import QT_TR_NOOP, tr
from sync.protocol.live import HistoryEntry

KIND_LABELS = {
    "store_sale": QT_TR_NOOP("店舗購入"),
    "store_return": QT_TR_NOOP("返品"),
    "store_void": QT_TR_NOOP("取消"),
    "online_order": QT_TR_NOOP("オンライン注文"),
    "online_cancel": QT_TR_NOOP("注文キャンセル"),
    "points": QT_TR_NOOP("ポイント"),
    "note": QT_TR_NOOP("メモ"),
    "contact": QT_TR_NOOP("お問い合わせ"),
}
PURCHASE_KINDS = frozenset({"store_sale", "store_return", "store_void", "online_order", "online_cancel"})


def kind_label(entry: HistoryEntry) -> str:
    """What the entry is, in the current language."""
    return tr(KIND_LABELS.get(entry.kind, entry.kind))


def place(entry: HistoryEntry) -> str:
    """The store's name (新宿店), or オンライン for the web shop."""
    if entry.channel == "online":
        return tr("オンライン")
    return entry.location_name or entry.location or ""


def age_text(history: CustomerHistory, now: datetime, zone: str) -> str:
    """How fresh the history is: 最新, N分前の情報, or the time of the last one seen here."""
    age = history.age(now)
    if age is None:
        return tr("このレジの記録のみ(サーバー未接続)")
    if history.live and age < timedelta(minutes=1):
        return tr("最新")
    if age < timedelta(hours=1):
        return tr("{minutes}分前の情報").format(minutes=max(1, int(age.total_seconds() // 60)))
    return tr("{when} 時点の情報").format(when=local_time(history.as_of, zone, "%m/%d %H:%M"))


def entry_line(entry: HistoryEntry, zone: str, *, unsent: bool = False) -> str:
    """``12/01 14:03  新宿店  返品  -¥151``."""
    parts = [local_time(entry.occurred_at, zone, "%m/%d %H:%M"), place(entry), kind_label(entry)]
    if entry.kind == "contact":  # which kind of contact, where it stands, and who took it — in words
        parts.append(f"[{kind_text(entry.contact_kind or '')}・{status_text(entry.status or '')}]")
        if entry.taken_by and entry.taken_by != entry.location:
            parts.append(entry.taken_by)
    if entry.amount is not None:
        parts.append(yen(entry.amount))
    elif entry.points is not None:
        parts.append(("+" if entry.points > 0 else "") + points(entry.points))
    if entry.detail and entry.kind in ("note", "contact"):
        parts.append(entry.detail[:40])
    if unsent:
        parts.append(tr("(未送信)"))
    return "  ".join(part for part in parts if part)


def timeline_text(history: CustomerHistory, zone: str, *, limit: int = 12) -> str:
    """The 360° view's timeline: every kind, with the items and their quantities."""
    lines: list[str] = []
    for entry in history.entries[:limit]:
        lines.append(entry_line(entry, zone, unsent=entry.reference in history.unsent))
        if entry.items:
            items = "、".join(f"{item.name} ×{item.quantity}" for item in entry.items[:4])
            more = " " + tr("他") + f"{len(entry.items) - 4}" if len(entry.items) > 4 else ""
            lines.append(f"    {items}{more}")
    return "\n".join(lines) if lines else tr("履歴はありません")


def purchases(history: CustomerHistory) -> Sequence[HistoryEntry]:
    """The purchases, returns and voids, newest first (what the sale screen's panel lists)."""
    return [entry for entry in history.entries if entry.kind in PURCHASE_KINDS]
