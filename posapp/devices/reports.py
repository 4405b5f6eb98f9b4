"""X / Z reports (点検・精算) and cash in / out slips (入金・出金), and the documents behind them."""

from __future__ import annotations

from posapp.devices.header import store_block, when_block
from posapp.devices.labels import labels
from posapp.devices.page import Page, yen
from posapp.domain.closing import CashReconciliation, ClosingFigures
from posapp.domain.money import Yen
from posapp.domain.receipt import ReceiptDocument, ReceiptHeader, ReceiptItem, ReceiptKind
from posapp.domain.tender import tender_name


def closing_document(
    *,
    header: ReceiptHeader,
    figures: ClosingFigures,
    reconciliation: CashReconciliation | None = None,
    closing_no: int | None = None,
) -> ReceiptDocument:
    """An X report (no number) or a Z report (numbered, with the drawer count) as a document."""
    kind = ReceiptKind.Z_REPORT if closing_no is not None else ReceiptKind.X_REPORT
    return ReceiptDocument(
        kind=kind, header=header, closing=figures, reconciliation=reconciliation, closing_no=closing_no
    )


def cash_slip_document(*, header: ReceiptHeader, paid_in: bool, amount: Yen, reason: str) -> ReceiptDocument:
    """A 入金 / 出金 slip; the reason travels as the one item line, the amount as the total."""
    item = ReceiptItem(name=reason, quantity=1, unit_price=amount, amount=amount, reduced=False)
    return ReceiptDocument(
        kind=ReceiptKind.CASH_IN if paid_in else ReceiptKind.CASH_OUT,
        header=header,
        items=(item,),
        total=amount,
    )


def _title_block(page: Page, doc: ReceiptDocument, title: str, language: str) -> None:
    store_block(page, doc, language)
    page.center(title, bold=True, double_width=True, double_height=True)
    if doc.reprint:
        page.center(f"[{labels(language)['reprint']}]", bold=True)
    when_block(page, doc, language)
    page.rule()


def closing_report(page: Page, doc: ReceiptDocument, language: str) -> None:
    """Sales, tax per rate, sales per tender, counts and the cash reconciliation."""
    t = labels(language)
    z = doc.kind is ReceiptKind.Z_REPORT
    title = t["z_report"] if z else t["x_report"]
    _title_block(page, doc, title, language)
    if z and doc.closing_no is not None:
        page.center(t["closing_no"].format(n=doc.closing_no), bold=True)
        page.rule()
    figures = doc.closing
    if figures is None:
        page.text("-")
        return
    page.pair(t["gross"], yen(figures.gross_sales), bold=True)
    page.pair(t["net"], yen(figures.net_sales))
    for rt in figures.by_rate:
        page.pair(f" {t['rate_base'].format(rate=rt.rate)}", yen(rt.taxable))
        key = "tax_inclusive" if rt.taxable == rt.gross else "tax_exclusive"
        page.pair(f"  {t[key].format(rate=rt.rate)}", yen(rt.tax))
    page.rule()
    page.text(t["by_tender"])
    for kind, amount in figures.by_tender.items():
        page.pair(f" {tender_name(kind, language)}", yen(amount))
    page.rule()
    page.pair(t["customers"], t["people"].format(n=figures.customers))
    page.pair(t["items"], t["count"].format(n=figures.items).strip())
    page.pair(t["discounts"], yen(figures.discounts))
    page.pair(t["points_used"], t["pt"].format(n=figures.points_used))
    page.pair(t["points_earned"], t["pt"].format(n=figures.points_earned))
    page.pair(f"{t['voids']} {t['cases'].format(n=figures.voids_count)}", yen(figures.voids_amount))
    page.pair(f"{t['returns']} {t['cases'].format(n=figures.returns_count)}", yen(figures.returns_amount))
    page.pair(t["cash_in"], yen(figures.cash_in))
    page.pair(t["cash_out"], yen(figures.cash_out))
    page.rule()
    rec = doc.reconciliation or figures.reconcile(counted=0)
    page.text(t["drawer"])
    page.pair(f" {t['float']}", yen(rec.opening_float))
    page.pair(f" {t['cash_sales']}", yen(rec.cash_sales))
    page.pair(f" {t['cash_refunds']}", yen(-rec.cash_refunds))
    page.pair(f" {t['cash_in']}", yen(rec.paid_in))
    page.pair(f" {t['cash_out']}", yen(-rec.paid_out))
    if rec.pickup_cash:
        page.pair(f" {t['pickup_cash']}", yen(rec.pickup_cash))
    page.pair(t["expected"], yen(rec.expected), bold=True)
    if doc.reconciliation is not None:
        page.pair(t["counted"], yen(rec.counted), bold=True)
        sign = "+" if rec.over_short > 0 else ""
        page.pair(t["over_short"], sign + yen(rec.over_short), bold=True, double_height=True)
    page.rule()


def cash_slip(page: Page, doc: ReceiptDocument, language: str) -> None:
    """A slip for cash put into or taken out of the drawer, kept with the drawer."""
    t = labels(language)
    title = t["cash_in"] if doc.kind is ReceiptKind.CASH_IN else t["cash_out"]
    _title_block(page, doc, title, language)
    page.pair(t["amount"], yen(doc.total), bold=True, double_height=True)
    for item in doc.items:
        page.pair(t["reason"], item.name)
    page.rule()
