"""Receipt document → printed lines: sales, returns, voids, reprints and formal receipts (領収書)."""

from __future__ import annotations

from posapp.devices import reports
from posapp.devices.header import store_block, when_block
from posapp.devices.labels import format_date, labels
from posapp.devices.layout import ReceiptLine, display_width, truncate
from posapp.devices.page import Page, yen
from posapp.devices.setup import qr_url_text
from posapp.domain.receipt import REDUCED_MARK, ReceiptDocument, ReceiptItem, ReceiptKind
from posapp.domain.tax import REDUCED_RATE, STANDARD_RATE
from posapp.domain.tender import TenderKind, tender_name

DEFAULT_WIDTH = 42
"""80 mm Epson TM-T88; 48 for TM-T20 / TM-m30, about 32 for 58 mm paper."""

_NEGATIVE_KINDS = (ReceiptKind.RETURN, ReceiptKind.VOID)


def render_receipt(
    doc: ReceiptDocument,
    width: int = DEFAULT_WIDTH,
    *,
    language: str = "ja",
    logo: bool = False,
    qr_receipt_no: bool = False,
    qr_url: str = "",
) -> list[ReceiptLine]:
    """Lay ``doc`` out for paper ``width`` columns wide; every text line fits the width.

    ``qr_receipt_no`` adds a QR code of the receipt number after its barcode (a 2D scanner or a phone
    reads it at the returns counter); ``qr_url`` a QR code of the store's address on sale receipts
    (``{receipt_no}`` in it is filled in).
    """
    page = Page(width)
    if logo:
        page.logo()
    if doc.kind in (ReceiptKind.X_REPORT, ReceiptKind.Z_REPORT):
        reports.closing_report(page, doc, language)
    elif doc.kind in (ReceiptKind.CASH_IN, ReceiptKind.CASH_OUT):
        reports.cash_slip(page, doc, language)
    elif doc.kind is ReceiptKind.FORMAL:
        _formal(page, doc, language)
        if qr_receipt_no:
            page.qr(doc.barcode)
    else:
        _sale(page, doc, language)
        if qr_receipt_no:
            page.qr(doc.barcode)
        if qr_url and doc.kind is ReceiptKind.SALE:
            page.center(labels(language)["qr_url"])
            page.qr(qr_url_text(qr_url, doc.header.receipt_no))
    page.cut()
    return page.lines


def banner(page: Page, doc: ReceiptDocument, language: str) -> None:
    """The big marks that change what a slip means: 返品, 取消, 再発行."""
    t = labels(language)
    if doc.kind is ReceiptKind.RETURN:
        page.center(f"** {t['return']} **", bold=True, double_width=True, double_height=True)
        page.center(t["return_invoice"])
    elif doc.kind is ReceiptKind.VOID:
        page.center(f"** {t['void']} **", bold=True, double_width=True, double_height=True)
    if doc.reprint:
        page.center(f"[{t['reprint']}]", bold=True, double_width=True)
    if doc.original_receipt_no and doc.kind in _NEGATIVE_KINDS:
        page.pair(t["original"], f"{t['receipt_no']}{doc.original_receipt_no}")


def _sign(doc: ReceiptDocument) -> int:
    """Returns and voids print their amounts negative, whichever sign the document stores."""
    return -1 if doc.kind in _NEGATIVE_KINDS else 1


def _money(doc: ReceiptDocument, amount: int) -> str:
    return yen(_sign(doc) * abs(amount))


def _item(page: Page, doc: ReceiptDocument, item: ReceiptItem, language: str) -> None:
    """``※name  @138 x3   ¥414``; when that does not fit, the name gets a line of its own."""
    t = labels(language)
    mark = REDUCED_MARK if item.reduced else "  "
    amount = _money(doc, item.amount)
    room = page.width - display_width(amount) - 1
    if item.quantity == 1:
        page.pair(mark + truncate(item.name, room - 2), amount)
    else:
        unit = f"@{item.unit_price:,} x{item.quantity}"
        one_line = f"{mark}{item.name}  {unit}"
        if display_width(one_line) <= room:
            page.pair(one_line, amount)
        else:
            page.text(mark + item.name)
            page.pair(f"    {unit}", amount)
    if item.discount:
        label = item.discount_label or t["line_discount"]
        page.pair(f"    {label}", yen(-_sign(doc) * abs(item.discount)))


def _rate_lines(page: Page, doc: ReceiptDocument, language: str) -> None:
    """Per-rate totals and the tax at each rate, in brackets as Japanese receipts print them."""
    t = labels(language)
    base_key = "rate_base_return" if doc.kind in _NEGATIVE_KINDS else "rate_base"
    for rt in doc.by_rate:
        inclusive = rt.taxable == rt.gross
        page.pair(f" ({t[base_key].format(rate=rt.rate)}", f"{_money(doc, rt.taxable)})")
        tax_key = "tax_inclusive" if inclusive else "tax_exclusive"
        page.pair(f" ({t[tax_key].format(rate=rt.rate)}", f"{_money(doc, rt.tax)})")


def _tenders(page: Page, doc: ReceiptDocument, language: str) -> None:
    """Payment lines: お預り for cash, the method's name otherwise, approval codes under them."""
    t = labels(language)
    negative = doc.kind in _NEGATIVE_KINDS
    for tender in doc.tenders:
        if negative:
            label = f"{t['refund']} {tender_name(tender.kind, language)}"
        elif tender.kind is TenderKind.CASH:
            label = t["tendered"]
        else:
            label = tender_name(tender.kind, language)
        page.pair(label, _money(doc, tender.amount))
        if tender.reference and tender.kind is not TenderKind.CASH:
            page.pair(f"  {t['approval']}", tender.reference)
    if doc.change and not negative:
        page.pair(t["change"], yen(doc.change), bold=True)


def _points(page: Page, doc: ReceiptDocument, language: str) -> None:
    """Member number (masked), points used, earned and the balance."""
    points = doc.points
    if points is None:
        return
    t = labels(language)
    masked = "*" * max(len(points.member_no) - 4, 0) + points.member_no[-4:]
    page.rule()
    page.pair(t["member"], masked)
    if points.used:
        page.pair(t["points_used"], t["pt"].format(n=points.used))
    page.pair(t["points_earned"], t["pt"].format(n=points.earned))
    balance = t["points_pending"] if points.balance is None else t["pt"].format(n=points.balance)
    page.pair(t["points_balance"], balance)


def _legend(page: Page, doc: ReceiptDocument, language: str) -> None:
    if doc.has_reduced_items:
        page.text(labels(language)["legend"].format(rate=REDUCED_RATE))


def _sale(page: Page, doc: ReceiptDocument, language: str) -> None:
    """Sale, return, void — and any of them reprinted."""
    t = labels(language)
    store_block(page, doc, language)
    banner(page, doc, language)
    when_block(page, doc, language)
    if doc.eat_in:
        page.center(t["eat_in"].format(rate=STANDARD_RATE), bold=True)
    page.rule()
    for item in doc.items:
        _item(page, doc, item, language)
    page.rule()
    exclusive = any(rt.taxable != rt.gross for rt in doc.by_rate)
    if doc.basket_discounts or exclusive:
        subtotal = sum(item.amount - item.discount for item in doc.items)
        page.pair(t["subtotal"], _money(doc, subtotal))
        for label, amount in doc.basket_discounts:
            page.pair(label, yen(-_sign(doc) * abs(amount)))
        if exclusive:
            for rt in doc.by_rate:
                page.pair(t["tax_exclusive"].format(rate=rt.rate), _money(doc, rt.tax))
    total_key = {ReceiptKind.RETURN: "return_total", ReceiptKind.VOID: "void_total"}.get(doc.kind, "total")
    page.pair(
        f"{t[total_key]} {t['count'].format(n=doc.item_count)}",
        _money(doc, doc.total),
        bold=True,
        double_height=True,
    )
    _rate_lines(page, doc, language)
    _tenders(page, doc, language)
    _points(page, doc, language)
    page.rule()
    _legend(page, doc, language)
    for message in doc.footer_messages:
        page.center(message)
    page.barcode(doc.barcode)


def _formal(page: Page, doc: ReceiptDocument, language: str) -> None:
    """領収書: addressee, amount, purpose, tax per rate, issuer, and the 収入印紙 box when owed."""
    t = labels(language)
    info = doc.formal
    addressee = info.addressee if info else "上様"
    purpose = info.purpose if info else "お品代として"
    page.center(t["formal_title"], bold=True, double_width=True, double_height=True)
    if doc.reprint:
        page.center(f"[{t['reprint']}]", bold=True)
    page.pair(format_date(doc.header.issued_at, language), f"{t['receipt_no']}{doc.header.receipt_no}")
    page.blank()
    honorific = "" if addressee == "上様" else t["honorific"]
    page.text(f"{addressee}{honorific}", bold=True)
    page.rule("=")
    page.center(f"{yen(doc.total)}-", bold=True, double_width=True, double_height=True)
    page.rule("=")
    page.text(t["purpose"].format(purpose=purpose))
    page.text(t["received"])
    _rate_lines(page, doc, language)
    kinds = ", ".join(dict.fromkeys(tender_name(x.kind, language) for x in doc.tenders))
    if kinds:
        page.pair(t["paid_by"], kinds)
    _legend(page, doc, language)
    page.rule()
    page.text(doc.header.store_name, bold=True)
    for extra in (doc.header.address, doc.header.phone):
        if extra:
            page.text(extra)
    page.text(f"{t['registration']} {doc.header.registration_number}")
    page.pair(f"{t['terminal']}{doc.header.terminal_code}", f"{t['clerk']} {doc.header.clerk_name}")
    if info and info.stamp_duty > 0:
        _stamp_box(page, t["stamp"])
    page.barcode(doc.barcode)


def _stamp_box(page: Page, label: str) -> None:
    """A 収入印紙 box, drawn with full-width box characters at the right edge of the paper."""
    inner = max(display_width(label), 8)
    inner += inner % 2  # box characters are two columns wide
    cells = inner // 2
    pad = " " * (page.width - inner - 4)
    label_pad = inner - display_width(label)
    page.blank()
    page.text(pad + "┌" + "─" * cells + "┐")
    page.text(pad + "│" + " " * (label_pad // 2) + label + " " * (label_pad - label_pad // 2) + "│")
    for _ in range(3):
        page.text(pad + "│" + " " * inner + "│")
    page.text(pad + "└" + "─" * cells + "┘")
