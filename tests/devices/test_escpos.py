"""The bytes of the worked example: Japanese inside FS & … FS ., barcode, drawer and cut well-formed."""

from __future__ import annotations

import pytest

from posapp.devices.escpos import Symbology, barcode_bytes, encode_escpos, encode_escpos_raster, text_bytes
from posapp.devices.image import render_image
from posapp.devices.layout import LineKind, display_width
from posapp.devices.render import render_receipt
from posapp.domain.receipt import ReceiptDocument
from tests.devices.escpos_decode import decode
from tests.devices.test_render import WORKED_42


def test_text_path_is_cp932_in_kanji_mode() -> None:
    assert text_bytes("※緑茶 500ml  ¥151") == (
        b"\x1c&" + "※緑茶".encode("cp932") + b"\x1c." + b" 500ml  \\151"
    )
    assert text_bytes("①～－") == b"\x1c&" + "①～－".encode("cp932") + b"\x1c."
    assert text_bytes("ABC") == b"ABC"
    assert text_bytes("鮭", kanji=False) == b"??"


@pytest.mark.parametrize("width", [42, 48, 32])
def test_worked_example_decodes_to_the_layout(width: int, sale: ReceiptDocument) -> None:
    lines = render_receipt(sale, width=width)
    data = encode_escpos(lines, open_drawer=True)
    assert data.startswith(b"\x1b@\x1cC\x01\x1bR\x08")
    decoded = decode(data)
    printed = [line for line in decoded.lines if line]
    for line in printed:
        assert display_width(line) <= width, line
    expected = [line.text.strip() for line in lines if line.text and line.kind is LineKind.TEXT]
    assert [line.strip() for line in printed if line.strip() != sale.barcode] == expected
    assert "※おにぎり鮭" in decoded.kanji_runs
    assert "※印は軽減税率(8%)対象商品" in [line.strip() for line in printed]
    if width == 42:
        for want in WORKED_42:
            assert want in printed


def test_commands_are_well_formed(sale: ReceiptDocument) -> None:
    decoded = decode(encode_escpos(render_receipt(sale), open_drawer=True))
    assert decoded.has(b"\x1bp", b"\x00\x32\x32")  # drawer kick, pin 2
    barcode = [p for c, p in decoded.commands if c == b"\x1dk"]
    assert barcode == [bytes([73, 16]) + b"{BS001-01-000123"]  # CODE128, code set B, length byte
    assert decoded.has(b"\x1dH", b"\x02")  # human-readable number below the bars
    assert decoded.commands[-1] == (b"\x1dV", b"\x01")  # partial cut last
    assert decoded.has(b"\x1d!", b"\x01") and decoded.has(b"\x1c!", b"\x08")  # double-height total


def test_no_drawer_unless_asked(sale: ReceiptDocument) -> None:
    assert not decode(encode_escpos(render_receipt(sale))).has(b"\x1bp")


def test_code39_and_unencodable_barcodes() -> None:
    assert decode(barcode_bytes("s-01", symbology=Symbology.CODE39)).commands[-1] == (
        b"\x1dk",
        bytes([69, 4]) + b"S-01",
    )
    assert barcode_bytes("レシート") == b""


def test_raster_mode_has_correct_dimensions(sale: ReceiptDocument) -> None:
    lines = render_receipt(sale, width=42)
    data = encode_escpos_raster(lines, width=42)
    decoded = decode(data)
    assert decoded.raster and all(width == 42 * 12 // 8 for width, _, _ in decoded.raster)
    assert all(height <= 256 for _, height, _ in decoded.raster)
    total_rows = sum(height for _, height, _ in decoded.raster)
    expected = render_image([line for line in lines if line.kind is not LineKind.CUT], width=42, margin=0)
    assert (total_rows, 42 * 12) == (expected.height, expected.width)
    assert any(any(body) for _, _, body in decoded.raster)  # some dots are black
    assert decoded.lines == [""] or all(not line.strip() for line in decoded.lines)
    assert decoded.commands[-1] == (b"\x1dV", b"\x01")
