"""A small builder that collects receipt lines and keeps every one within the paper width."""

from __future__ import annotations

from posapp.devices.layout import Align, LineKind, ReceiptLine, center, columns, ljust, truncate, wrap
from posapp.domain.money import Yen, format_yen


def yen(amount: Yen) -> str:
    """Money as printed: ``¥2,051`` / ``-¥300``."""
    return format_yen(amount)


class Page:
    """Lines of one slip at one width; every method truncates, so nothing can overflow the paper."""

    def __init__(self, width: int) -> None:
        if width < 24:
            raise ValueError("receipt paper narrower than 24 columns is not supported")
        self.width = width
        self.lines: list[ReceiptLine] = []

    def text(self, text: str, *, bold: bool = False, double_height: bool = False) -> None:
        """A left-aligned line, wrapped when longer than the paper."""
        for part in wrap(text, self.width):
            self.lines.append(
                ReceiptLine(ljust(part, self.width).rstrip(), bold=bold, double_height=double_height)
            )

    def center(
        self, text: str, *, bold: bool = False, double_width: bool = False, double_height: bool = False
    ) -> None:
        """A centred line; double width halves the room, so the text is cut to what fits."""
        room = self.width // 2 if double_width else self.width
        self.lines.append(
            ReceiptLine(
                center(text, room),
                align=Align.CENTER,
                bold=bold,
                double_width=double_width,
                double_height=double_height,
            )
        )

    def pair(self, left: str, right: str, *, bold: bool = False, double_height: bool = False) -> None:
        """Label on the left, amount flush right."""
        self.lines.append(
            ReceiptLine(columns(left, right, self.width), bold=bold, double_height=double_height)
        )

    def rule(self, char: str = "-") -> None:
        """A separator across the paper."""
        self.lines.append(ReceiptLine(truncate(char * self.width, self.width)))

    def blank(self) -> None:
        """An empty line."""
        self.lines.append(ReceiptLine(""))

    def barcode(self, data: str) -> None:
        """The receipt number as a barcode (the printer draws it and its human-readable text)."""
        self.lines.append(
            ReceiptLine(truncate(data, self.width), align=Align.CENTER, kind=LineKind.BARCODE, data=data)
        )

    def qr(self, data: str) -> None:
        """A QR code of ``data``, centred; its text (for the text preview) is ``[QR] data`` cut to fit."""
        self.lines.append(
            ReceiptLine(truncate(f"[QR] {data}", self.width), align=Align.CENTER, kind=LineKind.QR, data=data)
        )

    def logo(self) -> None:
        """The store's logo (from the printer's memory, or drawn as a picture)."""
        self.lines.append(ReceiptLine(kind=LineKind.LOGO, align=Align.CENTER))

    def cut(self) -> None:
        """Feed and partial cut."""
        self.lines.append(ReceiptLine(kind=LineKind.CUT))
