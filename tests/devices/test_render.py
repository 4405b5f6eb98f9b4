"""The layout of every kind of slip, checked against the worked example of domain-jp.md §2."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from posapp.devices.layout import LineKind, ReceiptLine, display_width
from posapp.devices.render import render_receipt
from posapp.devices.reports import cash_slip_document
from posapp.domain.receipt import (
    FormalReceiptInfo,
    ReceiptDocument,
    ReceiptItem,
    ReceiptKind,
    ReceiptTender,
    stamp_duty,
)
from posapp.domain.tax import RateTotal
from posapp.domain.tender import TenderKind
from scripts.render_receipts import worked_header

WIDTHS = (42, 48, 32)

# The lines of the worked example in domain-jp.md §2, column for column.
WORKED_42 = """\
※おにぎり鮭  @138 x3                 ¥414
※緑茶 500ml                          ¥151
※食パン 6枚                          ¥213
  台所用洗剤                          ¥398
  乾電池 単3x4                        ¥657
  ゴミ袋 45L                          ¥218
------------------------------------------
合計  8点                           ¥2,051
 (10%対象                          ¥1,273)
 (内消費税等 10%                     ¥115)
 ( 8%対象                            ¥778)
 (内消費税等  8%                      ¥57)
お預り                              ¥3,000
お釣り                                ¥949""".splitlines()


def texts(lines: list[ReceiptLine]) -> list[str]:
    return [line.text for line in lines if line.kind is LineKind.TEXT]


def assert_fits(lines: list[ReceiptLine], width: int) -> None:
    for line in lines:
        assert line.columns <= width, f"{line.text!r} is {line.columns} columns wide, paper is {width}"


def test_worked_example_matches_the_domain_document(sale_without_points: ReceiptDocument) -> None:
    lines = texts(render_receipt(sale_without_points, width=42))
    start = lines.index(WORKED_42[0])
    assert lines[start : start + len(WORKED_42)] == WORKED_42
    assert lines[0].strip() == "○○マート 渋谷店"
    assert "登録番号 T7000012050002" in lines[2]
    assert lines[3].startswith("2025年11月22日(土) 14:05") and lines[3].endswith("レジ01")
    assert lines[4].startswith("担当 山田") and lines[4].endswith("No.S001-01-000123")
    assert "※印は軽減税率(8%)対象商品" in lines


@pytest.mark.parametrize("width", WIDTHS)
def test_every_kind_fits_every_width(
    width: int, sale: ReceiptDocument, refund: ReceiptDocument, z_report: ReceiptDocument
) -> None:
    docs = [
        sale,
        refund,
        z_report,
        dataclasses.replace(sale, kind=ReceiptKind.VOID, original_receipt_no="S001-01-000122"),
        dataclasses.replace(sale, reprint=True),
        dataclasses.replace(z_report, kind=ReceiptKind.X_REPORT, reconciliation=None, closing_no=None),
        formal_doc(stamp=200),
        cash_slip_document(header=sale.header, paid_in=False, amount=3_000, reason="文具購入（ボールペン）"),
    ]
    for doc in docs:
        for language in ("ja", "en"):
            lines = render_receipt(doc, width=width, language=language, logo=True)
            assert_fits(lines, width)
            assert lines[-1].kind is LineKind.CUT
            assert all(line.columns == width for line in lines if line.text.startswith("----"))


@pytest.mark.parametrize("width", WIDTHS)
def test_totals_and_taxes_at_each_width(width: int, sale: ReceiptDocument) -> None:
    lines = texts(render_receipt(sale, width=width))
    total = next(line for line in lines if line.startswith("合計"))
    assert total.startswith("合計  8点") and total.endswith("¥2,051") and display_width(total) == width
    for left, right in (
        ("(10%対象", "¥1,273)"),
        ("(内消費税等 10%", "¥115)"),
        ("( 8%対象", "¥778)"),
        ("(内消費税等  8%", "¥57)"),
    ):
        assert any(line.strip().startswith(left) and line.endswith(right) for line in lines), left
    assert sum(line.startswith("※") and "¥" in line for line in lines) == 3
    assert any(line.startswith("お釣り") and line.endswith("¥949") for line in lines)
    assert any(line.startswith("ポイント残高") and line.endswith("1,520pt") for line in lines)
    assert any(line.endswith("*********5678") for line in lines)  # member numbers are masked


def test_barcode_of_the_receipt_number(sale: ReceiptDocument) -> None:
    barcodes = [line for line in render_receipt(sale) if line.kind is LineKind.BARCODE]
    assert [b.data for b in barcodes] == ["S001-01-000123"]


def test_return_prints_negative_amounts_and_the_original(refund: ReceiptDocument) -> None:
    lines = texts(render_receipt(refund))
    joined = "\n".join(lines)
    assert "返品" in joined and "返還インボイス" in joined
    assert any(line.startswith("元レシート") and line.endswith("No.S001-01-000123") for line in lines)
    assert any(line.startswith("返品合計  3点") and line.endswith("-¥414") for line in lines)
    assert any("8%対象返還額" in line and line.endswith("-¥414)") for line in lines)
    assert any(line.startswith("ご返金 現金") and line.endswith("-¥414") for line in lines)
    assert not any(line.startswith("お釣り") for line in lines)


def test_void_and_reprint_are_marked(sale: ReceiptDocument) -> None:
    void = texts(render_receipt(dataclasses.replace(sale, kind=ReceiptKind.VOID)))
    assert any("取消" in line for line in void[:6])
    assert any(line.startswith("取消合計") and line.endswith("-¥2,051") for line in void)
    reprint = texts(render_receipt(dataclasses.replace(sale, reprint=True)))
    assert "[再発行]" in [line.strip() for line in reprint]


def formal_doc(*, stamp: int, tender: TenderKind = TenderKind.CASH) -> ReceiptDocument:
    return ReceiptDocument(
        kind=ReceiptKind.FORMAL,
        header=worked_header("S001-01-000200"),
        by_rate=(RateTotal(10, 54_000, 4_909, 54_000),),
        total=54_000,
        item_count=1,
        tenders=(ReceiptTender(tender, 54_000),),
        formal=FormalReceiptInfo(addressee="株式会社サンプル", stamp_duty=stamp),
    )


@pytest.mark.parametrize(
    ("separately", "tender", "boxed"),
    [(False, TenderKind.CASH, True), (True, TenderKind.CASH, False), (False, TenderKind.CARD, False)],
)
def test_formal_receipt_stamp_box(separately: bool, tender: TenderKind, boxed: bool) -> None:
    duty = stamp_duty(
        54_000, tax=4_909, tax_shown_separately=separately, paid_by_card=tender is TenderKind.CARD
    )
    lines = texts(render_receipt(formal_doc(stamp=duty, tender=tender)))
    joined = "\n".join(lines)
    assert "領 収 書" in joined and "株式会社サンプル 様" in joined and "但し お品代として" in joined
    assert "¥54,000-" in joined and "T7000012050002" in joined
    assert any(line.strip().startswith("(内消費税等 10%") and line.endswith("¥4,909)") for line in lines)
    assert ("収入印紙" in joined) is boxed
    if boxed:
        box = [line for line in lines if "┌" in line or "│" in line or "└" in line]
        assert len(box) == 6 and all(line.endswith(("┐", "│", "┘")) for line in box)


def test_z_report_reconciles(z_report: ReceiptDocument) -> None:
    lines = texts(render_receipt(z_report))
    assert "精算" in lines[3] and "精算No.42" in [line.strip() for line in lines]
    assert any(line.startswith("理論在高") and line.endswith("¥151,992") for line in lines)
    assert any(line.startswith("過不足") and line.endswith("-¥200") for line in lines)
    assert any(line.strip().startswith("カード") and line.endswith("¥41,200") for line in lines)


def test_x_report_changes_nothing_and_has_no_count(z_report: ReceiptDocument) -> None:
    x = dataclasses.replace(z_report, kind=ReceiptKind.X_REPORT, reconciliation=None, closing_no=None)
    lines = texts(render_receipt(x))
    assert "点検" in lines[3]
    assert not any(line.startswith(("実在高", "過不足")) for line in lines)


def test_cash_slips(sale: ReceiptDocument) -> None:
    slip = cash_slip_document(header=sale.header, paid_in=True, amount=5_000, reason="釣銭補充")
    lines = texts(render_receipt(slip))
    assert "入金" in lines[3]
    assert any(line.startswith("金額") and line.endswith("¥5,000") for line in lines)
    assert any(line.startswith("理由") and line.endswith("釣銭補充") for line in lines)


names = st.text(alphabet=st.sampled_from("おにぎり鮭緑茶パン①②～－ｱｲｳﾞABCxyz 0¥※🍙é"), min_size=1, max_size=50)
items = st.builds(
    lambda name, price, qty, reduced, discount: ReceiptItem(
        name=name,
        quantity=qty,
        unit_price=price,
        amount=price * qty,
        reduced=reduced,
        discount=min(discount, price * qty),
    ),
    names,
    st.integers(0, 9_999_999),
    st.integers(1, 999),
    st.booleans(),
    st.integers(0, 100_000),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(items, min_size=1, max_size=6), st.sampled_from(WIDTHS), st.sampled_from(list(ReceiptKind)))
def test_random_items_always_fit(sale_items: list[ReceiptItem], width: int, kind: ReceiptKind) -> None:
    assert_fits(render_receipt(card_receipt(sale_items, kind), width=width), width)


def card_receipt(sale_items: list[ReceiptItem], kind: ReceiptKind) -> ReceiptDocument:
    """A slip of ``kind`` for ``sale_items``, paid by card."""
    return ReceiptDocument(
        kind=kind,
        header=worked_header(),
        items=tuple(sale_items),
        total=sum(i.amount for i in sale_items),
        item_count=sum(i.quantity for i in sale_items),
        tenders=(ReceiptTender(TenderKind.CARD, 1, "A12345"),),
    )
