"""The screen's receipt text: the printer's lines laid out as monospaced text, in East Asian widths."""

from __future__ import annotations

import dataclasses
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from posapp.devices.layout import LineKind
from posapp.devices.plain import plain_lines, receipt_text
from posapp.devices.render import render_receipt
from posapp.domain.receipt import ReceiptDocument, ReceiptItem, ReceiptKind
from tests.devices.test_render import WORKED_42, card_receipt, items


def screen_width(text: str) -> int:
    """Columns in a Japanese monospaced font: wide, full-width and ambiguous (※) characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F", "A") else 1 for c in text)


def test_the_screen_shows_the_printed_lines_of_the_worked_example(
    sale_without_points: ReceiptDocument,
) -> None:
    lines = receipt_text(sale_without_points).splitlines()
    start = lines.index(WORKED_42[0])
    assert lines[start : start + len(WORKED_42)] == WORKED_42
    paper = [line.text for line in render_receipt(sale_without_points) if line.kind is LineKind.TEXT]
    assert [
        line for line in lines if line in paper
    ] == paper  # every printed line, in order, nothing reworded


def test_double_width_marks_are_centred_across_the_paper(sale: ReceiptDocument) -> None:
    lines = receipt_text(dataclasses.replace(sale, kind=ReceiptKind.RETURN, reprint=True), 42).splitlines()
    title = next(line for line in lines if "返品" in line and "**" in line)
    assert title == " " * ((42 - screen_width(title.strip())) // 2) + "** 返品 **"
    assert lines[-1].strip() == "S001-01-000123"  # where the printer draws the barcode


def test_english_receipts_and_other_widths(sale: ReceiptDocument) -> None:
    lines = receipt_text(sale, 32, language="en").splitlines()
    assert any(line.startswith("Total  8 items") and line.endswith("¥2,051") for line in lines)
    assert max(screen_width(line) for line in lines) == 32


@settings(max_examples=60, deadline=None)
@given(
    st.lists(items, min_size=1, max_size=6), st.sampled_from((42, 48, 32)), st.sampled_from(list(ReceiptKind))
)
def test_every_screen_line_fits_the_paper_in_east_asian_width(
    sale_items: list[ReceiptItem], width: int, kind: ReceiptKind
) -> None:
    doc = card_receipt(sale_items, kind)
    for line in plain_lines(render_receipt(doc, width), width):
        assert screen_width(line) <= width, line
