"""The window's font: the system's Japanese UI font when it has one, else the bundled BIZ UDGothic."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from posapp.resources import FONT_FAMILY, font_file

SYSTEM_FAMILIES = ["Noto Sans CJK JP", "Hiragino Sans", "Yu Gothic UI", "Meiryo UI"]
"""Linux (Debian's fonts-noto-cjk), macOS and Windows: drawn natively, full Unicode coverage."""
UI_PIXEL_SIZE = 16


def ui_font_family() -> str:
    """The first system Japanese family; else the bundled font, registered with Qt on first use."""
    families = set(QFontDatabase.families())
    for family in SYSTEM_FAMILIES:
        if family in families:
            return family
    if FONT_FAMILY not in families:
        for bold in (False, True):
            QFontDatabase.addApplicationFont(str(font_file(bold=bold)))
    return FONT_FAMILY


def apply_ui_font(app: QApplication) -> QFont:
    """Set the application font (the style sheet sizes headings from it)."""
    font = QFont(ui_font_family())
    font.setPixelSize(UI_PIXEL_SIZE)
    app.setFont(font)
    return font
