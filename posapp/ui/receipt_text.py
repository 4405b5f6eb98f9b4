"""A receipt as monospaced text for the on-screen preview (the printer layer renders paper)."""

from __future__ import annotations

import importlib
import unicodedata
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from posapp.domain.receipt import REDUCED_MARK, ReceiptDocument, ReceiptKind
from posapp.domain.tax import REDUCED_RATE
from posapp.domain.tender import TenderKind
from posapp.ui.formatting import yen

WIDTH = 42
TENDER_NAMES = {
    TenderKind.CASH: "お預り",
    TenderKind.CARD: "クレジット",
    TenderKind.EMONEY: "電子マネー",
    TenderKind.QR: "QR決済",
    TenderKind.POINTS: "ポイント払い",
    TenderKind.VOUCHER: "商品券",
}
TITLES = {ReceiptKind.RETURN: "返品", ReceiptKind.VOID: "取消", ReceiptKind.SALE: "領収"}


def width(text: str) -> int:
    """Columns on a receipt: full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def spread(left: str, right: str, columns: int = WIDTH) -> str:
    """``left`` and ``right`` at the two edges."""
    return left + " " * max(columns - width(left) - width(right), 1) + right


def centered(text: str, columns: int = WIDTH) -> str:
    """``text`` in the middle."""
    return " " * max((columns - width(text)) // 2, 0) + text


def plain_receipt_lines(doc: ReceiptDocument, columns: int = WIDTH) -> list[str]:
    """The receipt's lines, as the preview shows them."""
    header = doc.header
    issued = header.issued_at.astimezone(ZoneInfo(str(header.issued_at.tzinfo or "Asia/Tokyo")))
    lines = [centered(header.store_name, columns)]
    if header.registration_number:
        lines.append(centered(f"登録番号 {header.registration_number}", columns))
    if doc.reprint:
        lines.append(centered("【再発行】", columns))
    if doc.kind is not ReceiptKind.SALE:
        lines.append(centered(f"【{TITLES.get(doc.kind, doc.kind.value)}】", columns))
    lines.append(
        spread(f"{issued:%Y/%m/%d %H:%M}", f"レジ{header.terminal_code} {header.clerk_name}", columns)
    )
    lines.append(f"No.{header.receipt_no}")
    if doc.original_receipt_no:
        lines.append(f"元取引 {doc.original_receipt_no}")
    if doc.eat_in:
        lines.append(centered("店内飲食(イートイン) 標準税率10%", columns))
    lines.append("-" * columns)
    for item in doc.items:
        mark = REDUCED_MARK if item.reduced else " "
        lines.append(spread(f"{mark}{item.name}", yen(item.amount), columns))
        if item.quantity > 1:
            lines.append(f"   {yen(item.unit_price)} x {item.quantity}")
        if item.discount:
            lines.append(spread(f"   {item.discount_label or '値引'}", f"-{yen(item.discount)[1:]}", columns))
    for label, amount in doc.basket_discounts:
        lines.append(spread(label, f"-{yen(amount)[1:]}", columns))
    lines.append("-" * columns)
    lines.append(spread(f"合計  {doc.item_count}点", yen(doc.total), columns))
    for rate in sorted(doc.by_rate, key=lambda r: -r.rate):
        mark = REDUCED_MARK if rate.rate == REDUCED_RATE else ""
        lines.append(spread(f"({mark}{rate.rate}%対象", f"{yen(rate.gross)} 内税 {yen(rate.tax)})", columns))
    for tender in doc.tenders:
        lines.append(spread(TENDER_NAMES.get(tender.kind, tender.kind.value), yen(tender.amount), columns))
    if doc.kind is ReceiptKind.SALE:
        lines.append(spread("お釣り", yen(doc.change), columns))
    if doc.points is not None:
        lines.append(f"会員 {doc.points.member_no}")
        lines.append(spread("ご利用ポイント", f"{doc.points.used:,} pt", columns))
        lines.append(spread("今回ポイント", f"{doc.points.earned:,} pt", columns))
        if doc.points.balance is not None:
            lines.append(spread("ポイント残高", f"{doc.points.balance:,} pt", columns))
    if doc.has_reduced_items:
        lines.append(f"{REDUCED_MARK}は軽減税率(8%)対象商品")
    lines.extend(centered(message, columns) for message in doc.footer_messages)
    return lines


def _printer_renderer() -> Callable[[ReceiptDocument, int], Any] | None:
    # The devices package is written in parallel; use its layout when it has one.
    try:
        module = importlib.import_module("posapp.devices.layout")
    except ImportError:
        return None
    return getattr(module, "render_receipt", None)


def receipt_text(doc: ReceiptDocument, columns: int = WIDTH) -> str:
    """The whole receipt as one block of monospaced text."""
    render = _printer_renderer()
    if render is not None:
        try:
            rendered = render(doc, columns)
            return "\n".join(getattr(line, "text", str(line)) for line in rendered)
        except Exception:  # the printer layout is optional here; the plain preview always works
            pass
    return "\n".join(plain_receipt_lines(doc, columns))
