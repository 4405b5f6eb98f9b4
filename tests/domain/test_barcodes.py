"""Barcodes and registration numbers against the vectors in domain-jp.md §2–3."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from posapp.domain.barcodes import (
    BookPriceCode,
    InStoreCode,
    InStoreKind,
    InStoreLayout,
    MemberCard,
    ProductCode,
    ReceiptRef,
    ean_check_digit,
    make_in_store_code,
    make_member_card,
    normalise_scan_text,
    parse_scan,
    price_check_digit,
)
from posapp.domain.errors import InvalidBarcode, InvalidRegistrationNumber
from posapp.domain.registration import RegistrationWarning, validate_registration_number


@pytest.mark.parametrize(("body", "check"), [("456995111617", "9"), ("4996871", "2")])
def test_ean_check_digit_vectors(body: str, check: str) -> None:
    assert ean_check_digit(body) == check


@pytest.mark.parametrize(("price", "check"), [("0980", "3"), ("1500", "3"), ("0150", "1"), ("2875", "9")])
def test_price_check_digit_vectors(price: str, check: str) -> None:
    assert price_check_digit(price) == check


def test_in_store_code_for_item_123_at_398_yen() -> None:
    assert make_in_store_code("00123", 398) == "0200123703981"
    assert parse_scan("0200123703981") == InStoreCode("0200123703981", "02", item_code="00123", price=398)


def test_jan_ean8_and_upc_a() -> None:
    assert parse_scan("4569951116179") == ProductCode("4569951116179")
    assert parse_scan("49968712") == ProductCode("49968712")
    assert parse_scan("012345678905") == ProductCode("0012345678905")


def test_full_width_digits_and_spaces_from_an_ime_are_folded() -> None:
    assert normalise_scan_text(" ４５６９９５１１１６１７９\r") == "4569951116179"
    assert parse_scan("４５６９９５１１１６１７９") == ProductCode("4569951116179")


def test_book_price_code() -> None:
    assert parse_scan("1920193007008") == BookPriceCode("1920193007008", c_code="0193", price_before_tax=700)


def test_member_card_round_trip() -> None:
    code = make_member_card("000000123456")
    assert code == "2900001234562"[:12] + code[12]
    assert parse_scan(code) == MemberCard(code, member_no="123456")


def test_receipt_barcode_is_a_receipt_reference() -> None:
    assert parse_scan("S001-02-000123") == ReceiptRef("S001-02-000123")


@pytest.mark.parametrize(
    "text", ["", "   ", "4569951116178", "12345", "45699511161790", "ABC", "4569951116;79"]
)
def test_garbage_is_refused(text: str) -> None:
    with pytest.raises(InvalidBarcode):
        parse_scan(text)


def test_wrong_price_check_digit_is_refused() -> None:
    body = "020012380398"  # price check 8 instead of 7
    with pytest.raises(InvalidBarcode):
        parse_scan(body + ean_check_digit(body))


def test_plu_layout_carries_no_price() -> None:
    layouts = {"21": InStoreLayout("21", InStoreKind.PLU)}
    code = make_in_store_code("4711", prefix="21")
    assert parse_scan(code, layouts=layouts) == InStoreCode(code, "21", item_code="4711", price=None)


@given(item=st.integers(0, 99999), price=st.integers(0, 9999))
def test_non_plu_codes_round_trip(item: int, price: int) -> None:
    code = make_in_store_code(f"{item:05d}", price)
    scan = parse_scan(code)
    assert isinstance(scan, InStoreCode)
    assert (scan.item_code, scan.price) == (f"{item:05d}", price)


@given(st.text(max_size=30))
def test_any_text_is_either_understood_or_refused_cleanly(text: str) -> None:
    try:
        scan = parse_scan(text)
    except InvalidBarcode as refused:  # either outcome is right, which pytest.raises cannot say
        assert refused.message_key == "error.barcode.invalid"  # noqa: PT017
    else:
        assert isinstance(scan, ProductCode | InStoreCode | BookPriceCode | MemberCard | ReceiptRef)


@pytest.mark.parametrize(
    "number", ["T7000012050002", "T1180301018771", "t7000-0120-50002", "Ｔ７０００" + "012050002"]
)
def test_valid_registration_numbers(number: str) -> None:
    normalised, warnings = validate_registration_number(number)
    assert normalised.startswith("T") and len(normalised) == 14
    assert warnings == []


def test_bad_check_digit_only_warns() -> None:
    assert validate_registration_number("T8000012050002")[1] == [RegistrationWarning.CHECK_DIGIT]


@pytest.mark.parametrize("number", ["7000012050002", "T700001205000", "T70000120500021", "TX000012050002"])
def test_malformed_registration_numbers_are_refused(number: str) -> None:
    with pytest.raises(InvalidRegistrationNumber):
        validate_registration_number(number)


@given(
    body=st.text(alphabet="0123456789", min_size=12, max_size=12).filter(
        lambda b: b[0] not in "02" and not b.startswith("192")
    )
)
def test_any_ean13_with_a_valid_check_digit_round_trips(body: str) -> None:
    code = body + ean_check_digit(body)
    assert parse_scan(code) == ProductCode(code)


@given(
    body=st.text(alphabet="0123456789", min_size=12, max_size=12),
    position=st.integers(0, 12),
    delta=st.integers(1, 9),
)
def test_a_single_corrupted_digit_is_always_caught(body: str, position: int, delta: int) -> None:
    code = body + ean_check_digit(body)
    corrupted = code[:position] + str((int(code[position]) + delta) % 10) + code[position + 1 :]
    with pytest.raises(InvalidBarcode):
        parse_scan(corrupted)
