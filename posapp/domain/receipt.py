"""The receipt as pure data (適格簡易請求書); printers and screens render it later."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from posapp.domain.cart import Cart, CartTotals
from posapp.domain.closing import CashReconciliation, ClosingFigures
from posapp.domain.money import Yen
from posapp.domain.tax import REDUCED_RATE, RateTotal
from posapp.domain.tender import Settlement, TenderKind

REDUCED_MARK = "※"


class ReceiptKind(StrEnum):
    """What a printed slip is."""

    SALE = "sale"
    RETURN = "return"
    VOID = "void"
    FORMAL = "formal"
    X_REPORT = "x_report"
    Z_REPORT = "z_report"
    CASH_IN = "cash_in"
    CASH_OUT = "cash_out"


@dataclass(frozen=True, slots=True)
class ReceiptHeader:
    """Who issued the receipt, when, where and by whom."""

    store_name: str
    registration_number: str
    issued_at: datetime
    terminal_code: str
    clerk_name: str
    receipt_no: str
    address: str = ""
    phone: str = ""

    def __post_init__(self) -> None:
        if self.issued_at.tzinfo is None:
            raise ValueError("issued_at must be timezone-aware (the store's local time)")


@dataclass(frozen=True, slots=True)
class ReceiptItem:
    """One item line; ``reduced`` marks the line with ※."""

    name: str
    quantity: int
    unit_price: Yen
    amount: Yen
    reduced: bool
    discount: Yen = 0
    discount_label: str = ""
    price_overridden: bool = False


@dataclass(frozen=True, slots=True)
class ReceiptTender:
    """One tender line."""

    kind: TenderKind
    amount: Yen
    reference: str | None = None


@dataclass(frozen=True, slots=True)
class ReceiptPoints:
    """Points used, earned and the balance after the sale (``None`` when not known offline)."""

    member_no: str
    used: int
    earned: int
    balance: int | None


@dataclass(frozen=True, slots=True)
class FormalReceiptInfo:
    """What a 領収書 adds: addressee, purpose and the revenue stamp owed."""

    addressee: str = "上様"
    purpose: str = "お品代として"
    stamp_duty: Yen = 0


@dataclass(frozen=True, slots=True)
class ReceiptDocument:
    """Everything a receipt shows, in the order a Japanese receipt shows it."""

    kind: ReceiptKind
    header: ReceiptHeader
    items: tuple[ReceiptItem, ...] = ()
    basket_discounts: tuple[tuple[str, Yen], ...] = ()
    by_rate: tuple[RateTotal, ...] = ()
    total: Yen = 0
    item_count: int = 0
    tenders: tuple[ReceiptTender, ...] = ()
    change: Yen = 0
    points: ReceiptPoints | None = None
    reprint: bool = False
    original_receipt_no: str | None = None
    formal: FormalReceiptInfo | None = None
    closing: ClosingFigures | None = None
    reconciliation: CashReconciliation | None = None
    closing_no: int | None = None
    header_messages: tuple[str, ...] = ()
    footer_messages: tuple[str, ...] = ()
    eat_in: bool = False
    """Food eaten in the store: taxed at the standard rate, and the receipt says so."""

    @property
    def barcode(self) -> str:
        """The receipt number, printed as a barcode so a return can scan it."""
        return self.header.receipt_no

    @property
    def has_reduced_items(self) -> bool:
        """True when the ※ legend must be printed."""
        return any(item.reduced for item in self.items)


def build_sale_receipt(
    *,
    kind: ReceiptKind = ReceiptKind.SALE,
    header: ReceiptHeader,
    cart: Cart,
    totals: CartTotals,
    settlement: Settlement,
    points: ReceiptPoints | None = None,
    original_receipt_no: str | None = None,
    footer_messages: tuple[str, ...] = (),
) -> ReceiptDocument:
    """The receipt of a completed sale (or return) made from the cart, its totals and its settlement."""
    items = tuple(
        ReceiptItem(
            name=line.name,
            quantity=line.quantity,
            unit_price=line.price,
            amount=line.gross,
            reduced=line.rate(eat_in=cart.eat_in) == REDUCED_RATE,
            discount=line.discount_amount,
            discount_label=line.discount.label if line.discount else "",
            price_overridden=line.override_price is not None,
        )
        for line in cart.lines
    )
    discounts: list[tuple[str, Yen]] = []
    if totals.basket_discount:
        discounts.append(("値引", totals.basket_discount))
    if totals.points_discount:
        discounts.append(("ポイント値引", totals.points_discount))
    return ReceiptDocument(
        kind=kind,
        header=header,
        items=items,
        basket_discounts=tuple(discounts),
        by_rate=totals.by_rate,
        total=totals.amount_due,
        item_count=totals.item_count,
        tenders=tuple(ReceiptTender(t.kind, t.amount, t.reference) for t in settlement.tenders),
        change=settlement.change,
        points=points,
        original_receipt_no=original_receipt_no,
        footer_messages=footer_messages,
        eat_in=cart.eat_in,
    )


_STAMP_DUTY_BANDS: tuple[tuple[Yen, Yen], ...] = (
    (1_000_000, 200),
    (2_000_000, 400),
    (3_000_000, 600),
    (5_000_000, 1_000),
    (10_000_000, 2_000),
    (30_000_000, 6_000),
    (50_000_000, 10_000),
    (100_000_000, 20_000),
    (200_000_000, 40_000),
    (300_000_000, 60_000),
    (500_000_000, 100_000),
    (1_000_000_000, 150_000),
)
STAMP_DUTY_THRESHOLD: Yen = 50_000


def stamp_duty(amount: Yen, *, tax_shown_separately: bool, tax: Yen = 0, paid_by_card: bool = False) -> Yen:
    """Revenue stamp owed on a receipt for money (印紙税法 別表第一 第17号の1, NTA table).

    The tax is left out of the amount only when the receipt shows it separately; a receipt for a
    card payment is not a receipt of money and owes nothing.
    """
    if paid_by_card:
        return 0
    base = amount - tax if tax_shown_separately else amount
    if base < STAMP_DUTY_THRESHOLD:
        return 0
    for upper, duty in _STAMP_DUTY_BANDS:
        if base <= upper:
            return duty
    return 200_000
