"""Files the terminal ships with, found beside this module in a checkout, a wheel and the desktop bundle:
the style sheet (``styles``), the English catalogue (``translations``) and the Japanese font (``fonts``).

The Japanese font is BIZ UDGothic (SIL Open Font License, ``fonts/OFL.txt``), cut to the characters a
receipt printer can print (``scripts/subset_font.py``). Receipts, PDFs and raster printing always use it,
so a receipt looks the same on every machine; the window and the chart use it when the system has no
Japanese font of its own.
"""

from __future__ import annotations

from pathlib import Path

RESOURCES = Path(__file__).resolve().parent
FONT_DIR = RESOURCES / "fonts"
FONT_FAMILY = "BIZ UDGothic"
"""Half-width Latin and digits, full-width kana and kanji: the printer's own grid."""


def font_file(*, bold: bool = False) -> Path:
    """The bundled Japanese font, regular or bold."""
    return FONT_DIR / ("BIZUDGothic-Bold.ttf" if bold else "BIZUDGothic-Regular.ttf")
