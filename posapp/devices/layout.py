"""Printed-receipt lines and column arithmetic: width is the cp932 byte length, as on the printer."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

YEN = "¥"
"""Kept as U+00A5 in text; it is one column wide and goes out as byte 0x5C under ``ESC R 8``."""

GETA = "〓"
"""The Japanese printers' stand-in for a character the font lacks (two columns)."""

_HALFWIDTH_KANA = re.compile(r"[\uff61-\uff9f]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class Align(StrEnum):
    """Where a line sits on the paper."""

    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"


class LineKind(StrEnum):
    """A line of text, or one of the special lines a printer draws itself."""

    TEXT = "text"
    BARCODE = "barcode"
    LOGO = "logo"
    QR = "qr"
    CUT = "cut"


@dataclass(frozen=True, slots=True)
class ReceiptLine:
    """One printed line: text already padded to the paper width, or a barcode / QR code / logo / cut."""

    text: str = ""
    align: Align = Align.LEFT
    bold: bool = False
    double_width: bool = False
    double_height: bool = False
    kind: LineKind = LineKind.TEXT
    data: str = ""

    @property
    def columns(self) -> int:
        """Columns the line takes on paper (double width counts twice)."""
        return display_width(self.text) * (2 if self.double_width else 1)


def _printable_char(char: str) -> str:
    """One character as the printer can show it: itself, its compatibility form, or a stand-in."""
    if char == YEN:
        return char
    try:
        char.encode("cp932")
        return char
    except UnicodeEncodeError:
        pass
    for form in ("NFKC", "NFKD"):
        candidate = "".join(c for c in unicodedata.normalize(form, char) if not unicodedata.combining(c))
        if candidate:
            try:
                candidate.encode("cp932")
                return candidate
            except UnicodeEncodeError:
                continue
    return GETA if unicodedata.east_asian_width(char) in ("W", "F") else "?"


def printable(text: str) -> str:
    """``text`` restricted to what a cp932 printer prints, so widths measured here hold on paper."""
    text = _CONTROL.sub(" ", text)
    # Half-width kana are single bytes that Kanji mode would misread; print them full width.
    text = _HALFWIDTH_KANA.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    return "".join(_printable_char(c) for c in text)


def to_cp932(text: str) -> bytes:
    """Printer bytes of already ``printable`` text; ¥ becomes 0x5C, which ``ESC R 8`` prints as ¥."""
    return text.replace(YEN, "\\").encode("cp932")


def display_width(text: str) -> int:
    """Columns ``text`` takes: its cp932 byte length (full-width characters count two)."""
    return len(to_cp932(printable(text)))


def truncate(text: str, width: int) -> str:
    """The longest prefix of ``text`` that fits in ``width`` columns, never splitting a character."""
    text = printable(text)
    out: list[str] = []
    used = 0
    for char in text:
        w = len(to_cp932(char))
        if used + w > width:
            break
        out.append(char)
        used += w
    return "".join(out)


def ljust(text: str, width: int) -> str:
    """``text`` padded with spaces on the right to ``width`` columns (truncated if longer)."""
    text = truncate(text, width)
    return text + " " * (width - display_width(text))


def rjust(text: str, width: int) -> str:
    """``text`` padded on the left to ``width`` columns (truncated if longer)."""
    text = truncate(text, width)
    return " " * (width - display_width(text)) + text


def center(text: str, width: int) -> str:
    """``text`` centred in ``width`` columns, the odd space going right (trailing spaces kept off)."""
    text = truncate(text, width)
    return " " * ((width - display_width(text)) // 2) + text


def columns(left: str, right: str, width: int, *, gap: int = 1) -> str:
    """``left`` and ``right`` justified to the edges; the left side is cut short, never the amount."""
    right = truncate(right, width)
    room = width - display_width(right) - gap
    if room <= 0:
        return rjust(right, width)
    left = truncate(left, room)
    return left + " " * (width - display_width(left) - display_width(right)) + right


def wrap(text: str, width: int) -> list[str]:
    """``text`` broken into lines of at most ``width`` columns (character by character, as Japanese is)."""
    text = printable(text)
    lines: list[str] = []
    while text:
        head = truncate(text, width)
        if not head:  # a character wider than the paper: cannot happen for width >= 2
            break
        lines.append(head)
        text = text[len(head) :]
    return lines or [""]
