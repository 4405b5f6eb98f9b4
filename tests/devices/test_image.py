"""The on-screen preview and the PDF for reprints: one grid cell per column, the paper's width."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from posapp.devices.barcode import code39_modules
from posapp.devices.image import CELL, DPI, MARGIN, ROW, load_font, render_image, save_pdf, save_png
from posapp.devices.render import render_receipt
from posapp.domain.receipt import ReceiptDocument


@pytest.mark.parametrize("width", [42, 48, 32])
def test_png_has_the_paper_width(tmp_path: Path, width: int, sale: ReceiptDocument) -> None:
    lines = render_receipt(sale, width=width)
    path = tmp_path / "sale.png"
    save_png(lines, path, width=width)
    with Image.open(path) as image:
        assert image.width == width * CELL + 2 * MARGIN
        assert image.height > len(lines) * ROW
        assert image.mode in ("P", "L", "1")
    assert path.stat().st_size < 80_000


def test_pdf_is_one_strip_of_paper(tmp_path: Path, sale: ReceiptDocument) -> None:
    path = tmp_path / "sale.pdf"
    image = save_pdf(render_receipt(sale), path)
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    width_pt = image.width * 72 / DPI
    assert f"{width_pt:.0f}".encode() in data or f"{width_pt}".encode() in data
    assert data.count(b"/Type /Page\n") + data.count(b"/Type /Page ") + data.count(b"/Type/Page") >= 1


def test_text_is_drawn(sale: ReceiptDocument) -> None:
    image = render_image(render_receipt(sale))
    assert image.getextrema() == (0, 255)
    assert load_font().getbbox("鮭")[2] > 12  # a real CJK font, full-width glyphs


def test_code39_structure() -> None:
    modules = code39_modules("S001-01-000123")
    # 16 symbols of 6 narrow + 3 wide elements (wide = 3 modules) and 15 gaps.
    assert len(modules) == 16 * (6 + 3 * 3) + 15
    assert modules[0] == 1 and modules[-1] == 1
    assert code39_modules("レシート") == [] and code39_modules("A*B") == []
