"""Receipt lines → a picture of the paper (PNG for the screen, PDF for reprint and e-mail)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from posapp.devices.barcode import code39_modules
from posapp.devices.layout import Align, LineKind, ReceiptLine, printable, to_cp932
from posapp.resources import font_file

CELL = 12
"""Dots per half-width column: 42 columns = 504 dots, the printable width of an 80 mm TM-T88."""
ROW = 30
BASELINE = 24
FONT_SIZE = 24
DPI = 180
MARGIN = 24
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@functools.cache
def load_font(*, bold: bool = False, size: int = FONT_SIZE) -> Font:
    """The bundled Japanese font (never the system's: the same receipt on every machine).

    It holds every character of code page 932, which is all a receipt line can contain (``printable``).
    """
    return ImageFont.truetype(str(font_file(bold=bold)), size)


def _line_image(line: ReceiptLine) -> Image.Image:
    """One text line drawn on its column grid, then stretched for double width / height."""
    text = printable(line.text.rstrip() if line.align is Align.LEFT else line.text.strip())
    columns = len(to_cp932(text))
    image = Image.new("L", (max(columns, 1) * CELL, ROW), 255)
    draw = ImageDraw.Draw(image)
    font = load_font(bold=line.bold)
    x = 0
    for char in text:
        span = len(to_cp932(char)) * CELL
        if char != " ":
            # Baseline-anchored, so commas and descenders stay inside the row.
            left, _, right, _ = draw.textbbox((0, BASELINE), char, font=font, anchor="ls")
            draw.text(
                (x + (span - (right - left)) / 2 - left, BASELINE), char, font=font, fill=0, anchor="ls"
            )
        x += span
    if line.double_width or line.double_height:
        size = (
            image.width * (2 if line.double_width else 1),
            image.height * (2 if line.double_height else 1),
        )
        image = image.resize(size, Image.Resampling.BICUBIC)
    return image


def _barcode_image(data: str, paper: int) -> Image.Image:
    """Code 39 of ``data`` with its text below; a labelled box when it cannot be encoded."""
    modules = code39_modules(data)
    height = 64
    image = Image.new("L", (paper, height + ROW + 8), 255)
    draw = ImageDraw.Draw(image)
    if modules:
        scale = max(1, min(2, paper // len(modules)))
        x = (paper - len(modules) * scale) // 2
        for bit in modules:
            if bit:
                draw.rectangle((x, 4, x + scale - 1, height), fill=0)
            x += scale
    else:
        draw.rectangle((paper // 4, 4, paper * 3 // 4, height), outline=0, width=2)
    label = _line_image(ReceiptLine(data, align=Align.CENTER))
    image.paste(label, ((paper - label.width) // 2, height + 6))
    return image


def _centred(part: Image.Image, paper: int) -> Image.Image:
    """``part`` in the middle of a strip of paper (cut at the edges if wider)."""
    image = Image.new("L", (paper, part.height), 255)
    image.paste(part.convert("L"), ((paper - part.width) // 2, 0))
    return image


def _infer_width(lines: Sequence[ReceiptLine]) -> int:
    return max([line.columns for line in lines if line.kind is LineKind.TEXT] + [32])


def render_image(
    lines: Sequence[ReceiptLine],
    *,
    width: int | None = None,
    margin: int = MARGIN,
    logo: Image.Image | None = None,
) -> Image.Image:
    """The receipt as a grayscale image, ``width`` columns of ``CELL`` dots plus a white margin.

    ``logo`` is the store's logo as the printer holds it; without one the logo line takes no room.
    """
    from posapp.devices.graphics import qr_image

    columns = width or _infer_width(lines)
    paper = columns * CELL
    parts: list[tuple[Image.Image, int]] = []
    for line in lines:
        if line.kind is LineKind.BARCODE:
            parts.append((_barcode_image(line.data, paper), 0))
        elif line.kind is LineKind.QR:
            parts.append((_centred(qr_image(line.data), paper), 0))
        elif line.kind is LineKind.LOGO:
            if logo is not None:
                parts.append((_centred(logo, paper), 0))
        elif line.kind is LineKind.CUT:
            parts.append((Image.new("L", (paper, ROW), 255), 0))
        else:
            part = _line_image(line)
            offset = {Align.LEFT: 0, Align.CENTER: (paper - part.width) // 2, Align.RIGHT: paper - part.width}
            parts.append((part, max(offset[line.align], 0)))
    height = sum(part.height for part, _ in parts)
    image = Image.new("L", (paper + 2 * margin, height + 2 * margin), 255)
    y = margin
    for part, x in parts:
        image.paste(part.crop((0, 0, min(part.width, paper - x), part.height)), (margin + x, y))
        y += part.height
    return image


def save_png(
    lines: Sequence[ReceiptLine], path: Path, *, width: int | None = None, logo: Image.Image | None = None
) -> Image.Image:
    """Write the preview PNG (4-level gray keeps it small and the Kanji legible)."""
    image = render_image(lines, width=width, logo=logo)
    image.quantize(colors=8).save(path, "PNG", optimize=True)
    return image


def save_pdf(
    lines: Sequence[ReceiptLine], path: Path, *, width: int | None = None, logo: Image.Image | None = None
) -> Image.Image:
    """Write a one-page PDF the size of the paper strip, for reprints and e-mail."""
    image = render_image(lines, width=width, logo=logo)
    image.save(path, "PDF", resolution=DPI)
    return image
