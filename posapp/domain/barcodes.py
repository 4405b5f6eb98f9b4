"""What a scanned code means: a JAN, an in-store code with or without a price, a book price code,
a member card, or one of our own receipt numbers (for returns).

Scanners type like a keyboard, so input arrives as text that may carry full-width digits, spaces or
a stray prefix; ``normalise_scan_text`` makes it canonical before anything is decided.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from stdnum import ean

from posapp.domain.errors import InvalidBarcode
from posapp.domain.money import Yen

MEMBER_PREFIX = "29"
BOOK_PRICE_PREFIX = "192"
_RECEIPT_REF = re.compile(r"^R?([A-Z0-9]{1,8})-([0-9]{2})-([0-9]{6})$")


class InStoreKind(StrEnum):
    """How an in-store prefix is used: item code only, price embedded, or a member card."""

    PLU = "plu"
    NON_PLU = "non_plu"
    MEMBER = "member"


@dataclass(frozen=True, slots=True)
class InStoreLayout:
    """Layout of a 13-digit in-store code: flag(2) | item(item_digits) | [price check] | price | check."""

    prefix: str
    kind: InStoreKind
    item_digits: int = 5
    price_digits: int = 4
    price_check: bool = True


DEFAULT_IN_STORE_LAYOUTS: dict[str, InStoreLayout] = {
    "02": InStoreLayout("02", InStoreKind.NON_PLU),
    **{f"2{n}": InStoreLayout(f"2{n}", InStoreKind.NON_PLU) for n in range(9)},
    MEMBER_PREFIX: InStoreLayout(MEMBER_PREFIX, InStoreKind.MEMBER, item_digits=10, price_digits=0),
}


@dataclass(frozen=True, slots=True)
class ProductCode:
    """A manufacturer's JAN/EAN-13, EAN-8 or UPC-A (stored as EAN-13)."""

    code: str


@dataclass(frozen=True, slots=True)
class InStoreCode:
    """An in-store code; ``price`` is set for NON-PLU labels (weighed or marked-down goods)."""

    code: str
    prefix: str
    item_code: str
    price: Yen | None


@dataclass(frozen=True, slots=True)
class BookPriceCode:
    """The second row of a Japanese book barcode: C-code and the price before tax."""

    code: str
    c_code: str
    price_before_tax: Yen


@dataclass(frozen=True, slots=True)
class MemberCard:
    """A member card: the member number is the code without its check digit."""

    code: str
    member_no: str


@dataclass(frozen=True, slots=True)
class ReceiptRef:
    """One of our receipts, scanned from its barcode for a return."""

    receipt_no: str


Scan = ProductCode | InStoreCode | BookPriceCode | MemberCard | ReceiptRef


def normalise_scan_text(text: str) -> str:
    """Full-width to half-width, upper case, no spaces or control characters."""
    if text.isascii() and text.isdigit():  # what a scanner sends nearly always: already canonical
        return text
    folded = unicodedata.normalize("NFKC", text).upper()
    return "".join(char for char in folded if not char.isspace() and unicodedata.category(char)[0] != "C")


def ean_check_digit(body: str) -> str:
    """The mod-10 check digit (weights 3,1,3,… from the right) for a code without its check digit."""
    if not body.isascii() or not body.isdigit():
        raise InvalidBarcode("a barcode has digits only", value=body)
    return ean.calc_check_digit(body)


_WEIGHT_2_MINUS = (0, 2, 4, 6, 8, 9, 1, 3, 5, 7)
_WEIGHT_5_MINUS = (0, 5, 9, 4, 8, 3, 7, 2, 6, 1)


def price_check_digit(price_digits: str) -> str:
    """GS1 price check digit for a 4-digit price (General Specifications 7.9.3)."""
    if len(price_digits) != 4 or not price_digits.isdigit():
        raise InvalidBarcode("a price check digit needs a 4-digit price", value=price_digits)
    d = [int(char) for char in price_digits]
    total = _WEIGHT_2_MINUS[d[0]] + _WEIGHT_2_MINUS[d[1]] + (3 * d[2]) % 10 + _WEIGHT_5_MINUS[d[3]]
    return str((total * 3) % 10)


def make_in_store_code(item_code: str, price: Yen | None = None, *, prefix: str = "02") -> str:
    """An in-store code for ``item_code`` (PLU) or with ``price`` embedded (NON-PLU, default layout)."""
    layout = DEFAULT_IN_STORE_LAYOUTS.get(prefix)
    if layout is None or layout.kind is InStoreKind.MEMBER:
        raise InvalidBarcode("not an in-store product prefix", value=prefix)
    if price is None:
        body = prefix + item_code.rjust(10, "0")
    else:
        if not 0 <= price < 10**layout.price_digits:
            raise InvalidBarcode("the price does not fit the label", value=price)
        price_text = str(price).rjust(layout.price_digits, "0")
        body = prefix + item_code.rjust(layout.item_digits, "0") + price_check_digit(price_text) + price_text
    if len(body) != 12:
        raise InvalidBarcode("the item code does not fit the label", value=item_code)
    return body + ean_check_digit(body)


def make_member_card(member_no: str) -> str:
    """The 13-digit card code for a member number of up to 10 significant digits."""
    significant = member_no.lstrip("0") or "0"
    if not member_no.isdigit() or len(significant) > 10:
        raise InvalidBarcode("a member number has up to 10 significant digits", value=member_no)
    body = MEMBER_PREFIX + significant.rjust(10, "0")
    return body + ean_check_digit(body)


def member_no_from_card(code: str) -> str:
    """The member number carried by a member card, without leading zeros (compare numbers, not text)."""
    return code[2:12].lstrip("0") or "0"


def parse_scan(
    text: str, *, layouts: dict[str, InStoreLayout] | None = None, member_prefix: str = MEMBER_PREFIX
) -> Scan:
    """Decide what ``text`` from a scanner (or typed by hand) is; raise ``InvalidBarcode`` if nothing."""
    code = normalise_scan_text(text)
    if not code:
        raise InvalidBarcode("nothing was scanned", value=text)
    receipt = _RECEIPT_REF.match(code)
    if receipt:
        return ReceiptRef("-".join(receipt.groups()))
    if not code.isdigit():
        raise InvalidBarcode("not a barcode we know", value=text)
    if len(code) == 12:  # UPC-A is an EAN-13 with a leading zero
        code = "0" + code
    if len(code) not in (8, 13):
        raise InvalidBarcode("a barcode has 8, 12 or 13 digits", value=text)
    if ean_check_digit(code[:-1]) != code[-1]:
        raise InvalidBarcode("the check digit is wrong; scan again", value=text)
    if len(code) == 8:
        return ProductCode(code)
    if code.startswith(BOOK_PRICE_PREFIX):
        return BookPriceCode(code, c_code=code[3:7], price_before_tax=int(code[7:12]))
    layout = (layouts if layouts is not None else DEFAULT_IN_STORE_LAYOUTS).get(code[:2])
    if code[:2] == member_prefix and (layout is None or layout.kind is InStoreKind.MEMBER):
        return MemberCard(code, member_no=member_no_from_card(code))
    if layout is None:
        return ProductCode(code)
    return _parse_in_store(code, layout)


def _parse_in_store(code: str, layout: InStoreLayout) -> InStoreCode:
    item_end = 2 + layout.item_digits
    if layout.kind is InStoreKind.PLU:
        return InStoreCode(code, layout.prefix, item_code=code[2:12].lstrip("0") or "0", price=None)
    price_start = item_end + (1 if layout.price_check else 0)
    price_text = code[price_start : price_start + layout.price_digits]
    if layout.price_check and price_check_digit(price_text) != code[item_end]:
        raise InvalidBarcode("the price check digit is wrong", value=code)
    return InStoreCode(code, layout.prefix, item_code=code[2:item_end], price=int(price_text))
