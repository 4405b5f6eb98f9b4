"""Tenders and change: split payment, overpay only in cash, never a card number."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from posapp.domain.errors import InsufficientTender, InvalidTender
from posapp.domain.money import MAX_AMOUNT, Yen


class TenderKind(StrEnum):
    """How the customer paid; ``POINTS`` is a common programme's points taken as payment."""

    CASH = "cash"
    CARD = "card"
    EMONEY = "emoney"
    QR = "qr"
    POINTS = "points"
    VOUCHER = "voucher"


TENDER_NAMES: dict[str, dict[TenderKind, str]] = {
    "ja": {
        TenderKind.CASH: "現金",
        TenderKind.CARD: "カード",
        TenderKind.EMONEY: "電子マネー",
        TenderKind.QR: "QR決済",
        TenderKind.POINTS: "ポイント",
        TenderKind.VOUCHER: "商品券",
    },
    "en": {
        TenderKind.CASH: "Cash",
        TenderKind.CARD: "Card",
        TenderKind.EMONEY: "E-money",
        TenderKind.QR: "QR pay",
        TenderKind.POINTS: "Points",
        TenderKind.VOUCHER: "Voucher",
    },
}
"""Each payment method's one name, as receipts, the screens and the reports show it."""


def tender_name(kind: TenderKind | str, language: str) -> str:
    """The name of a payment method in ``language`` (anything but English is Japanese); an unknown kind
    (from a newer server) is shown as it is stored."""
    names = TENDER_NAMES["en" if language == "en" else "ja"]
    try:
        return names[TenderKind(kind)]
    except ValueError:
        return str(kind)


_CARD_NUMBER = re.compile(r"\d(?:[ -]?\d){12,18}")
"""13–19 digits, possibly grouped: a primary account number, which the POS must never keep."""


@dataclass(frozen=True, slots=True)
class Tender:
    """One payment; ``reference`` is an approval code or a masked number, never a card number."""

    kind: TenderKind
    amount: Yen
    reference: str | None = None

    def __post_init__(self) -> None:
        if (
            not isinstance(self.amount, int)
            or isinstance(self.amount, bool)
            or not 0 < self.amount <= MAX_AMOUNT
        ):
            raise InvalidTender(f"a tender must be 1..{MAX_AMOUNT} yen", value=self.amount)
        check_reference(self.reference)


def check_reference(reference: str | None) -> None:
    """Refuse a tender reference holding a card number (the POS keeps the approval code at most); the
    wire model (``sync.protocol.tenders.Payment``) checks references with this rule too."""
    if reference and _CARD_NUMBER.search(reference):
        raise InvalidTender("a card number must never be recorded; keep the approval code", value="****")


@dataclass(frozen=True, slots=True)
class Settlement:
    """The money side of a completed (or not yet completed) payment."""

    due: Yen
    tenders: tuple[Tender, ...]
    tendered: Yen
    change: Yen
    remaining: Yen

    @property
    def paid_in_full(self) -> bool:
        """True when nothing remains to be paid."""
        return self.remaining == 0

    def amount_by_kind(self, kind: TenderKind) -> Yen:
        """The total tendered in ``kind``."""
        return sum(tender.amount for tender in self.tenders if tender.kind is kind)

    @property
    def cash_kept(self) -> Yen:
        """Cash that stays in the drawer: cash tendered minus the change handed back."""
        return self.amount_by_kind(TenderKind.CASH) - self.change


def settle(due: Yen, tenders: tuple[Tender, ...] | list[Tender]) -> Settlement:
    """Work out change and what remains; refuse non-cash tenders that overpay."""
    if due < 0:
        raise InvalidTender("amount due cannot be negative", value=due)
    tenders = tuple(tenders)
    non_cash = sum(tender.amount for tender in tenders if tender.kind is not TenderKind.CASH)
    if non_cash > due:
        raise InvalidTender("only cash can be tendered over the amount due", value=non_cash, limit=due)
    tendered = sum(tender.amount for tender in tenders)
    return Settlement(
        due=due,
        tenders=tenders,
        tendered=tendered,
        change=max(tendered - due, 0),
        remaining=max(due - tendered, 0),
    )


def check_tender_count(due: Yen, count: int) -> None:
    """A sale is paid by at least one tender, except when nothing is due (points, a 100 % discount or
    a ¥0 item cover it all): no tender may be ¥0, so such a sale has none. The wire model
    (``sync.protocol.events.SaleCompleted``) checks its payments with this rule too."""
    if count == 0 and due != 0:
        raise InsufficientTender(f"{due} yen due and nothing tendered", value=0, remaining=due)


def require_paid(settlement: Settlement) -> Settlement:
    """Refuse to complete a sale that is not paid in full."""
    check_tender_count(settlement.due, len(settlement.tenders))
    if not settlement.paid_in_full:
        raise InsufficientTender(
            f"{settlement.remaining} yen still due", value=settlement.tendered, remaining=settlement.remaining
        )
    return settlement
