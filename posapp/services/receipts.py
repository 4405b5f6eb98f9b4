"""Receipts of what was stored: the one rebuilt for a sale, void or return, and its header."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import select

from posapp.domain.barcodes import normalise_scan_text
from posapp.domain.receipt import (
    ReceiptDocument,
    ReceiptHeader,
    ReceiptItem,
    ReceiptKind,
    ReceiptPoints,
    ReceiptTender,
)
from posapp.domain.tax import REDUCED_RATE, RateTotal
from posapp.domain.tender import TenderKind
from posapp.services.errors import ReceiptNotFound
from posapp.store.models import Sale, SaleLine

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from posapp.services.counter import Counter


@dataclass(frozen=True, slots=True)
class CompletedSale:
    """A sale (or void, or return) safely stored: what to print and what to tell the customer."""

    sale_id: str
    receipt_no: str
    total: int
    change: int
    points_used: int
    points_earned: int
    receipt: ReceiptDocument


def find_sale(session: Session, number: str) -> Sale:
    """The sale, void or return with receipt ``number`` (as printed or scanned) at this counter."""
    sale = session.scalar(select(Sale).where(Sale.receipt_no == normalise_scan_text(number).lstrip("R")))
    if sale is None:
        raise ReceiptNotFound("no sale with this receipt number at this terminal", value=number)
    return sale


def receipt_for(counter: Counter, number: str, *, reprint: bool) -> ReceiptDocument:
    """Rebuild the receipt of a stored sale, void or return."""
    with counter.db.read() as session:
        sale = find_sale(session, number)
        original_no = None
        if sale.original_sale_id:
            original = session.get(Sale, sale.original_sale_id)
            original_no = original.receipt_no if original else None
        kind = {"sale": ReceiptKind.SALE, "void": ReceiptKind.VOID, "return": ReceiptKind.RETURN}[sale.kind]
        document = stored_receipt(counter, sale, sale.lines, kind, original_no)
    return replace(document, reprint=reprint)


def stored_receipt(
    counter: Counter, sale: Sale, lines: list[SaleLine], kind: ReceiptKind, original_no: str | None
) -> ReceiptDocument:
    """The receipt of a stored sale, void or return (``lines``: the sale's, or for a void the original's)."""
    items = tuple(
        ReceiptItem(
            name=line.name,
            quantity=line.quantity,
            unit_price=line.unit_price,
            amount=line.amount + line.discount if kind is ReceiptKind.SALE else line.amount,
            reduced=line.rate == REDUCED_RATE,
            discount=line.discount if kind is ReceiptKind.SALE else 0,
            discount_label=line.discount_label,
            price_overridden=line.price_overridden,
        )
        for line in lines
    )
    basket = sale.discount - sum(line.discount for line in lines) if kind is ReceiptKind.SALE else 0
    discounts: list[tuple[str, int]] = []
    if basket:
        discounts.append(("値引", basket))
    if sale.points_discount and kind is ReceiptKind.SALE:
        discounts.append(("ポイント値引", sale.points_discount))
    points = None
    if sale.member_no:
        points = ReceiptPoints(
            sale.member_no, sale.points_used, sale.points_earned, sale.points_balance_after
        )
    return ReceiptDocument(
        kind=kind,
        header=terminal_header(counter, sale.receipt_no, sale.at),
        items=items,
        basket_discounts=tuple(discounts),
        by_rate=tuple(RateTotal(r["rate"], r["taxable"], r["tax"], r["gross"]) for r in sale.by_rate),
        total=sale.total,
        item_count=sale.item_count,
        tenders=tuple(ReceiptTender(TenderKind(p.kind), p.amount, p.reference) for p in sale.payments),
        change=sale.change,
        points=points,
        original_receipt_no=original_no,
        footer_messages=counter.settings.footer_messages,
        eat_in=sale.eat_in,
    )


def terminal_header(counter: Counter, number: str, at: datetime) -> ReceiptHeader:
    """The receipt header: store, registration number, time, counter, clerk, receipt number."""
    settings = counter.settings
    return ReceiptHeader(
        store_name=settings.store_name,
        registration_number=settings.registration_number,
        issued_at=at.astimezone(ZoneInfo(settings.timezone)),
        terminal_code=settings.terminal_code,
        clerk_name=counter.clerk.name if counter.clerk else "",
        receipt_no=number,
        address=settings.address,
        phone=settings.phone,
    )
