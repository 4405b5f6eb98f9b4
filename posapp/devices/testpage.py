"""The test page a manager prints from the setup dialog: every setting shows itself on paper.

A ruler as wide as the chosen paper (cut short or wrapped means the width is wrong), Japanese text
(question marks or garbage mean the printer has no Kanji font: choose raster), the logo, a barcode,
the QR codes and the cut, exactly as receipts will use them.
"""

from __future__ import annotations

from datetime import datetime

from posapp.devices.labels import format_datetime, labels
from posapp.devices.layout import ReceiptLine
from posapp.devices.page import Page
from posapp.devices.setup import PrinterSetup, qr_url_text

SAMPLE_NO = "TEST-0001"


def ruler(width: int) -> str:
    """``1234567890`` repeated to exactly ``width`` columns."""
    return ("1234567890" * (width // 10 + 1))[:width]


def render_test_page(
    setup: PrinterSetup, *, store_name: str, when: datetime, language: str = "ja"
) -> list[ReceiptLine]:
    """The test page's lines for ``setup`` (its width, logo, QR codes), ending with the cut."""
    t = labels(language)
    page = Page(setup.columns)
    if setup.logo_png:
        page.logo()
    page.center(f"** {t['test_page']} **", bold=True, double_width=True, double_height=True)
    page.center(store_name)
    page.center(format_datetime(when, language))
    page.rule()
    page.text(ruler(setup.columns))
    page.text(t["test_ok"])
    page.rule()
    mode = "raster" if setup.raster else "kanji"
    page.pair("transport", setup.transport or "-")
    page.pair("paper", f"{setup.columns} columns / {setup.width_dots} dots")
    page.pair("mode", mode)
    page.pair("cut", setup.cut.value)
    page.pair("drawer", f"pin {setup.drawer_pin} / {setup.drawer_pulse_ms} ms")
    page.rule()
    page.text("日本語 カナ ①～－ ¥1,234")
    page.text("※おにぎり鮭            ¥138", bold=True)
    page.barcode(SAMPLE_NO)
    if setup.qr_receipt_no:
        page.qr(SAMPLE_NO)
    if setup.qr_url:
        page.center(t["qr_url"])
        page.qr(qr_url_text(setup.qr_url, SAMPLE_NO))
    page.cut()
    return page.lines
