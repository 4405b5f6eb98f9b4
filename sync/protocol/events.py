"""Outbox events: the facts a terminal sends to the server, each exactly once.

An event is an envelope (client-made UUIDv7 id, gapless per-terminal sequence, kind, time) around a
typed payload. Sales are append-only: a void or a return is a new event that names the original.
The server keeps the id with what it applied, so a resent event is recognised and changes nothing.

Bounds: every field fits the server column it is stored in (lengths, integer ranges), and no text
carries a NUL (PostgreSQL cannot store one), so an event that passes validation can always be
stored; docs/sync.md lists them.
"""

from __future__ import annotations

import hashlib
import json
import math
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    model_validator,
)

from posapp.domain.errors import DomainError
from posapp.domain.tender import Tender, check_tender_count, settle
from sync.protocol.tenders import Payment, Refund

INT32_MAX = 2**31 - 1
JSON_INT_LIMIT = 2**63
"""Numbers anywhere in a payload stay within a signed 64-bit integer (what every column and JSON reader takes)."""


def _no_nul(text: str) -> str:
    if "\x00" in text:
        raise ValueError("text must not contain NUL characters")
    return text


EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)


def _storable_moment(moment: datetime) -> datetime:
    # 9999-12-31T23:00-05:00 is a valid time that is no valid UTC time (year 10000): stored anyway by
    # PostgreSQL's COPY, it would break every later read of that row.
    try:
        in_utc = moment.astimezone(UTC)
    except OverflowError as error:
        raise ValueError("time out of range") from error
    if not EARLIEST <= in_utc < LATEST:
        raise ValueError("time must be between 1970 and 2200")
    return moment


Moment = Annotated[AwareDatetime, AfterValidator(_storable_moment)]
"""A time with its zone (naive times are refused: the server stores UTC), between 1970 and 2200."""
Yen = Annotated[int, Field(ge=-(10**10), le=10**10)]
"""Money: far beyond any till, and within the ``bigint`` columns that store it."""
Amount = Annotated[int, Field(ge=0, le=10**10)]
"""Money that is never negative: prices, line and receipt amounts, discounts, taxes, refunds, change."""
Count = Annotated[int, Field(ge=0, le=10**9)]
Code = Annotated[str, StringConstraints(min_length=1, max_length=40), AfterValidator(_no_nul)]
Text = Annotated[str, StringConstraints(max_length=200), AfterValidator(_no_nul)]
RecordId = Annotated[str, StringConstraints(min_length=1, max_length=36), AfterValidator(_no_nul)]
"""The id of a sale, return or void: the server's ``store_sales.id`` holds 36 characters (a UUID)."""
MemberNo = Annotated[str, StringConstraints(min_length=1, max_length=20), AfterValidator(_no_nul)]
"""A member number as ``customers.member_no`` holds it."""
StoreCode = Annotated[str, StringConstraints(min_length=1, max_length=16), AfterValidator(_no_nul)]
TerminalCode = Annotated[str, StringConstraints(min_length=1, max_length=10), AfterValidator(_no_nul)]


class EventKind(StrEnum):
    """What happened at the terminal."""

    SALE_COMPLETED = "sale.completed"
    SALE_VOIDED = "sale.voided"
    RETURN_COMPLETED = "return.completed"
    CASH_MOVED = "cash.moved"
    DAY_CLOSED = "day.closed"
    MEMBER_REGISTERED = "member.registered"
    STOCK_ADJUSTED = "stock.adjusted"
    CONTACT_RECORDED = "contact.recorded"


class _Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SoldLine(_Payload):
    """One line of a sale or return as the receipt shows it."""

    line_no: Annotated[int, Field(ge=1, le=10_000)]
    sku: Code
    name: Text
    quantity: Annotated[int, Field(ge=1, le=9_999)]
    unit_price: Amount
    discount: Amount = 0
    amount: Amount
    tax_class: Code
    rate: Annotated[int, Field(ge=0, le=100)]
    price_overridden: bool = False


class RateLine(_Payload):
    """Taxable amount and tax of one rate, rounded once per receipt."""

    rate: Annotated[int, Field(ge=0, le=100)]
    taxable: Amount
    tax: Amount


class SaleApproval(_Payload):
    """A store manager's approval of a price override or a discount above the store's threshold."""

    action: Annotated[str, StringConstraints(pattern="^(price_override|line_discount|basket_discount)$")]
    manager_code: Code


class CouponUse(_Payload):
    """The coupon a sale used: the server captures its hold (``redemption_id``) or redeems it at ingest."""

    code: Annotated[str, StringConstraints(min_length=1, max_length=32)]
    redemption_id: Code
    discount: Annotated[int, Field(ge=1, le=10**10)]
    held: bool = True
    """False when it was applied offline from a cached check: the server redeems it if still free."""


class SaleCompleted(_Payload):
    """A completed sale: what the customer bought and paid."""

    sale_id: RecordId
    receipt_no: Code
    business_day: date
    sold_at: Moment
    clerk_code: Code
    member_no: MemberNo | None = None
    eat_in: bool = False
    lines: list[SoldLine] = Field(min_length=1, max_length=1_000)
    by_rate: list[RateLine]
    subtotal: Amount
    discount: Amount
    points_discount: Amount = 0
    total: Amount
    payments: list[Payment] = Field(max_length=20)
    """None exactly when nothing is due (``posapp.domain.tender.check_tender_count``)."""
    change: Amount = 0
    """Given back from cash only: what was tendered less the total (``posapp.domain.tender.settle``)."""
    points_used: Count = 0
    points_earned: Count = 0
    offline_points: bool = False
    approvals: list[SaleApproval] = Field(default_factory=list, max_length=100)
    points_hold_id: Code | None = None
    """The server's hold on ``points_used`` taken online at tender; captured at ingest."""
    coupon: CouponUse | None = None

    @model_validator(mode="after")
    def _paid_by_a_tender_unless_nothing_is_due(self) -> SaleCompleted:
        try:
            check_tender_count(self.total, len(self.payments))
            paid = settle(self.total, [Tender(p.kind, p.amount) for p in self.payments])
        except DomainError as error:
            raise ValueError(f"payments: {error}") from error
        if paid.remaining or paid.change != self.change:
            raise ValueError(f"payments do not add up to the total: ¥{paid.tendered} tendered, "
                             f"¥{self.change} change, ¥{self.total} due")  # fmt: skip
        return self


class SaleVoided(_Payload):
    """A completed sale cancelled as a whole, approved by a manager."""

    void_id: RecordId
    original_sale_id: RecordId
    original_receipt_no: Code
    receipt_no: Code
    voided_at: Moment
    clerk_code: Code
    approved_by: Code
    total: Amount
    points_used: Count = 0
    points_earned: Count = 0


class ReturnCompleted(_Payload):
    """Goods brought back against a receipt; amounts are positive refunds."""

    return_id: RecordId
    original_sale_id: RecordId
    original_receipt_no: Code
    receipt_no: Code
    returned_at: Moment
    clerk_code: Code
    approved_by: Code
    member_no: MemberNo | None = None
    lines: list[SoldLine] = Field(min_length=1, max_length=1_000)
    by_rate: list[RateLine]
    total: Amount
    refunds: list[Refund] = Field(min_length=1, max_length=20)
    points_restored: Count = 0
    points_taken_back: Count = 0

    @model_validator(mode="after")
    def _refunds_add_up(self) -> ReturnCompleted:
        if (refunded := sum(refund.amount for refund in self.refunds)) != self.total:
            raise ValueError(f"refunds add up to ¥{refunded}, not the total ¥{self.total}")
        return self


class CashMoved(_Payload):
    """Cash put into or taken out of the drawer outside a sale."""

    movement_id: Code
    direction: Annotated[str, StringConstraints(pattern="^(in|out)$")]
    amount: Annotated[int, Field(gt=0, le=10**8)]
    reason: Text
    clerk_code: Code
    at: Moment


class DayClosed(_Payload):
    """A Z report: the period's figures and the counted cash."""

    closing_no: Annotated[int, Field(ge=1, le=INT32_MAX)]
    closed_at: Moment
    business_day: date
    clerk_code: Code
    gross_sales: Amount
    net_sales: Yen
    """Net of returns and voids: below zero on a day of more refunds than sales."""
    expected_cash: Yen
    """float + cash sales − cash refunds + paid in − paid out: below zero if refunds outran the drawer."""
    counted_cash: Amount
    over_short: Yen
    next_float: Amount

    @model_validator(mode="after")
    def _over_short_is_counted_less_expected(self) -> DayClosed:
        if self.over_short != self.counted_cash - self.expected_cash:
            raise ValueError("over_short must be counted_cash − expected_cash")
        return self


class MemberRegistered(_Payload):
    """A member signed up at the counter (possibly offline); the server gives them their final id."""

    member_no: MemberNo
    name: Annotated[str, StringConstraints(max_length=100), AfterValidator(_no_nul)]
    name_kana: Annotated[str, StringConstraints(max_length=100), AfterValidator(_no_nul)] = ""
    phone: Annotated[str, StringConstraints(max_length=20), AfterValidator(_no_nul)] = ""
    email: Annotated[str, StringConstraints(max_length=254), AfterValidator(_no_nul)] = ""
    registered_at: Moment


class StockAdjusted(_Payload):
    """Goods received, counted, damaged or lost, with who did it."""

    adjustment_id: Code
    sku: Code
    delta: Annotated[int, Field(ge=-(10**6), le=10**6)]
    reason: Annotated[str, StringConstraints(pattern="^(received|counted|damaged|lost)$")]
    clerk_code: Code
    at: Moment

    @model_validator(mode="after")
    def _moves_stock(self) -> StockAdjusted:
        if self.delta == 0 or (self.reason == "received" and self.delta < 0):
            raise ValueError(
                "delta: an adjustment moves at least one unit; goods received are a positive delta"
            )
        return self


class ContactRecorded(_Payload):
    """A complaint, inquiry, return request or compliment a clerk took at the counter (possibly offline)."""

    contact_id: Annotated[str, StringConstraints(min_length=36, max_length=36)]
    member_no: MemberNo
    kind: Annotated[str, StringConstraints(pattern="^(complaint|inquiry|return_request|compliment)$")]
    subject: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    body: Annotated[str, StringConstraints(max_length=4000)] = ""
    receipt_no: Code | None = None
    clerk_code: Code
    recorded_at: Moment


TypedPayload = _Payload
"""Any kind's payload model (the values of ``PAYLOAD_TYPES``)."""

PAYLOAD_TYPES: dict[EventKind, type[_Payload]] = {
    EventKind.SALE_COMPLETED: SaleCompleted,
    EventKind.SALE_VOIDED: SaleVoided,
    EventKind.RETURN_COMPLETED: ReturnCompleted,
    EventKind.CASH_MOVED: CashMoved,
    EventKind.DAY_CLOSED: DayClosed,
    EventKind.MEMBER_REGISTERED: MemberRegistered,
    EventKind.STOCK_ADJUSTED: StockAdjusted,
    EventKind.CONTACT_RECORDED: ContactRecorded,
}


PAYLOADS_SCREENED = "payloads_screened"
"""Validation context flag: the raw JSON holds nothing ``_plain_json`` refuses (see ``json_is_plain``),
so the per-value walk of each payload is skipped (it doubled the parse time of a push)."""
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")


def json_is_plain(body: bytes) -> bool:
    """Whether raw JSON certainly has no NUL, NaN, infinity or integer of 19 digits or more
    (a string that merely looks suspicious only costs the walk). About 2 ms per MB."""
    if b"\\u0000" in body or b"\x00" in body or b"NaN" in body or b"Infinity" in body:
        return False
    return b"0" * 19 not in body.translate(_DIGITS_AS_ZERO)


def _plain_json(payload: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
    """Refuse what a database cannot keep even as JSON: NUL in any text or key, NaN and infinities,
    integers beyond 64 bits (the payload is stored as it came, also when its kind's schema refuses it)."""
    if info.context and info.context.get(PAYLOADS_SCREENED):
        return payload
    pending: list[Any] = [payload]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            _no_nul(value)
        elif isinstance(value, dict):
            for key, item in value.items():
                _no_nul(key)
                pending.append(item)
        elif isinstance(value, list):
            pending.extend(value)
        elif isinstance(value, float) and not math.isfinite(value):
            raise ValueError("numbers must be finite")
        elif isinstance(value, int) and not -JSON_INT_LIMIT < value < JSON_INT_LIMIT:
            raise ValueError("numbers must fit in 64 bits")
    return payload


_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), check_circular=False)
"""``json.dumps(payload, sort_keys=True, separators=(",", ":"))``, byte for byte, made once: dumps builds
an encoder per call. No circular check: a payload parsed from JSON cannot refer to itself."""


class Event(BaseModel):
    """The envelope the outbox stores and the push request carries."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, StringConstraints(min_length=36, max_length=36), AfterValidator(_no_nul)]
    seq: Annotated[int, Field(ge=1, le=INT32_MAX)]
    kind: EventKind
    terminal_code: TerminalCode
    store_code: StoreCode
    created_at: Moment
    payload: Annotated[dict[str, Any], AfterValidator(_plain_json)]

    def typed_payload(self) -> _Payload:
        """The payload validated against its kind's schema (raises ``pydantic.ValidationError``)."""
        return PAYLOAD_TYPES[self.kind].model_validate(self.payload)

    def canonical_payload(self) -> str:
        """The payload as JSON text with sorted keys and no spaces: what ``payload_hash`` hashes."""
        return _CANONICAL.encode(self.payload)

    def payload_hash(self, canonical_payload: str | None = None) -> str:
        """A stable hash of what the event says, to tell a resend from a different event with the same id.

        The hash of ``{"kind": …, "payload": …}`` written with sorted keys and no spaces; pass
        ``canonical_payload`` when it is already written (the bulk path stores that text too).
        """
        payload = self.canonical_payload() if canonical_payload is None else canonical_payload
        canonical = '{"kind":' + json.dumps(self.kind.value) + ',"payload":' + payload + "}"
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
