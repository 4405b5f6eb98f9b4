"""Money formatting, cash reconciliation, stamp duty and the receipt document."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from posapp.domain.closing import CashCount, CashReconciliation, InvalidCashCount
from posapp.domain.errors import InvalidPrice
from posapp.domain.money import format_yen, parse_yen
from posapp.domain.receipt import ReceiptHeader, build_sale_receipt, stamp_duty
from posapp.domain.tender import Tender, TenderKind, settle
from tests.domain.test_cart import worked_cart

JST = timezone(timedelta(hours=9))


def test_format_and_parse_yen() -> None:
    assert format_yen(2051) == "¥2,051"
    assert format_yen(-100) == "-¥100"
    assert parse_yen("１，２３４円") == 1234
    with pytest.raises(InvalidPrice):
        parse_yen("12.5")
    with pytest.raises(InvalidPrice):
        parse_yen("100000000")
    with pytest.raises(TypeError):
        format_yen(1.5)  # type: ignore[arg-type]


def test_cash_count_and_over_short() -> None:
    count = CashCount({10_000: 3, 1_000: 12, 500: 4, 100: 9, 10: 5, 1: 3})
    assert count.total == 44_953
    reconciliation = CashReconciliation(
        opening_float=30_000,
        cash_sales=20_000,
        cash_refunds=1_000,
        paid_in=500,
        paid_out=4_447,
        counted=count.total - 100,
    )
    assert reconciliation.expected == 45_053
    assert reconciliation.over_short == -200
    with pytest.raises(InvalidCashCount):
        CashCount({3: 1})
    with pytest.raises(InvalidCashCount):
        CashCount({100: -1})


@pytest.mark.parametrize(
    ("amount", "tax", "separately", "card", "duty"),
    [
        (49_999, 0, False, False, 0),
        (54_000, 4_909, True, False, 0),  # 49,091 before tax when the tax is shown
        (54_000, 4_909, False, False, 200),
        (60_000, 5_454, True, False, 200),
        (60_000, 5_454, True, True, 0),
        (1_500_000, 0, False, False, 400),
        (2_000_000_000, 0, False, False, 200_000),
    ],
)
def test_stamp_duty_bands(amount: int, tax: int, separately: bool, card: bool, duty: int) -> None:
    assert stamp_duty(amount, tax=tax, tax_shown_separately=separately, paid_by_card=card) == duty


def test_sale_receipt_document_marks_reduced_items() -> None:
    cart = worked_cart()
    totals = cart.totals()
    header = ReceiptHeader(
        store_name="○○マート 渋谷店",
        registration_number="T7000012050002",
        issued_at=datetime(2025, 11, 22, 14, 5, tzinfo=JST),
        terminal_code="01",
        clerk_name="山田",
        receipt_no="S001-01-000123",
    )
    doc = build_sale_receipt(
        header=header, cart=cart, totals=totals, settlement=settle(2051, [Tender(TenderKind.CASH, 3000)])
    )
    assert [i.reduced for i in doc.items] == [True, True, True, False, False, False]
    assert doc.has_reduced_items and doc.change == 949 and doc.total == 2051
    assert doc.barcode == "S001-01-000123"
    with pytest.raises(ValueError, match="timezone-aware"):
        ReceiptHeader("x", "T7000012050002", datetime(2025, 1, 1), "01", "a", "r")
    assert datetime.now(UTC).tzinfo is not None
