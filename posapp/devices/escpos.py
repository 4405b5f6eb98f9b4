"""Receipt lines → ESC/POS bytes for Epson-compatible Japanese printers.

python-escpos makes the barcode, cut and drawer commands; the text path is ours, because its own
encodes Kanji as GB18030 and kana as ``?``. Japanese goes out as cp932 between ``FS &`` and ``FS .``
after ``FS C 1`` (Shift_JIS) and ``ESC R 8`` (Japan set, so byte 0x5C prints ¥).
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import TYPE_CHECKING

from escpos.printer import Dummy

from posapp.devices.layout import YEN, Align, LineKind, ReceiptLine, printable, to_cp932
from posapp.devices.setup import CutMode

if TYPE_CHECKING:
    from PIL import Image

ESC = b"\x1b"
FS = b"\x1c"
GS = b"\x1d"
INIT = ESC + b"@"
SHIFT_JIS = FS + b"C\x01"
JAPAN_SET = ESC + b"R\x08"
KANJI_ON = FS + b"&"
KANJI_OFF = FS + b"."
LF = b"\n"

RASTER_BAND = 256
"""Rows per ``GS v 0`` command; some printers' buffers refuse one command for a whole receipt."""


class Symbology(StrEnum):
    """Barcode types the receipt number is printed in."""

    CODE128 = "CODE128"
    CODE39 = "CODE39"


_ALIGN = {Align.LEFT: b"\x00", Align.CENTER: b"\x01", Align.RIGHT: b"\x02"}
_CODE39_CHARS = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%")


def _dummy() -> Dummy:
    return Dummy()


def _output(printer: Dummy) -> bytes:
    return bytes(printer.output)


def text_bytes(text: str, *, kanji: bool = True) -> bytes:
    """One line of text: ASCII as is (¥ as 0x5C), each non-ASCII run as cp932 inside ``FS &`` … ``FS .``."""
    out = bytearray()
    run: list[str] = []
    run_is_ascii = True

    def flush() -> None:
        if not run:
            return
        chunk = "".join(run)
        if run_is_ascii:
            out.extend(to_cp932(chunk))
        elif kanji:
            out.extend(KANJI_ON + to_cp932(chunk) + KANJI_OFF)
        else:
            out.extend(b"?" * len(to_cp932(chunk)))  # keep columns; raster mode is the real answer
        run.clear()

    for char in printable(text):
        ascii_char = char.isascii() or char == YEN
        if ascii_char != run_is_ascii:
            flush()
            run_is_ascii = ascii_char
        run.append(char)
    flush()
    return bytes(out)


def barcode_bytes(data: str, *, symbology: Symbology = Symbology.CODE128, module: int = 2) -> bytes:
    """``GS k`` for ``data`` with human-readable text below, centred; empty if it cannot be encoded."""
    if symbology is Symbology.CODE39:
        data = data.upper()
        if not data or not set(data) <= _CODE39_CHARS:
            return b""
        payload = data
    else:
        if not data or not all(32 <= ord(c) < 127 for c in data):
            return b""
        payload = "{B" + data  # Epson wants the code set chosen in the data itself
    printer = _dummy()
    # python-escpos prints which renderer it chose; keep that off the terminal's stdout.
    with contextlib.redirect_stdout(io.StringIO()):
        printer.barcode(payload, symbology.value, height=64, width=module, pos="BELOW", function_type="B")
    return _output(printer)


def cut_bytes(mode: CutMode = CutMode.PARTIAL) -> bytes:
    """Feed past the cutter and cut: partially (``GS V 1``, the receipt hangs until taken), fully
    (``GS V 0``), or not at all (only the feed, for printers without a cutter)."""
    printer = _dummy()
    if mode is CutMode.NONE:
        printer.print_and_feed(6)
    else:
        printer.cut(mode="PART" if mode is CutMode.PARTIAL else "FULL")
    return _output(printer)


def drawer_kick_bytes(pin: int = 2, pulse_ms: int = 100) -> bytes:
    """``ESC p m t1 t2``: pulse the cash drawer on connector pin 2 (m=0) or 5 (m=1) for ``pulse_ms``.

    ``t1`` and ``t2`` count 2 ms steps (on-time, then off-time); the off-time is kept as long as the
    on-time so a second kick right after cannot overheat the solenoid.
    """
    if pin not in (2, 5):
        raise ValueError(f"drawer pin {pin}: 2 or 5")
    steps = max(1, min(255, pulse_ms // 2))
    printer = _dummy()
    printer.cashdraw([0x1B, 0x70, 0 if pin == 2 else 1, steps, steps])
    return _output(printer)


def _size(line: ReceiptLine) -> tuple[bytes, bytes]:
    """ASCII size (``GS !``) and Kanji size (``FS !``) for a line."""
    gs = (0x10 if line.double_width else 0) | (0x01 if line.double_height else 0)
    fs = (0x04 if line.double_width else 0) | (0x08 if line.double_height else 0)
    return GS + b"!" + bytes([gs]), FS + b"!" + bytes([fs])


def encode_escpos(
    lines: Iterable[ReceiptLine],
    *,
    kanji: bool = True,
    open_drawer: bool = False,
    symbology: Symbology = Symbology.CODE128,
    drawer: bytes | None = None,
    cut: CutMode = CutMode.PARTIAL,
    logo: bytes = b"",
) -> bytes:
    """The whole job: initialise, Japanese mode, the lines, barcode and QR codes, the cut (and a drawer kick).

    ``drawer`` is the kick to send (default: pin 2, 100 ms); ``logo`` the bytes that print the logo
    line (``GS ( L`` from the printer's memory, or the picture itself), nothing when empty.
    """
    out = bytearray(INIT)
    if kanji:
        out += SHIFT_JIS + JAPAN_SET
    if open_drawer:
        out += drawer or drawer_kick_bytes()  # first, so the drawer is open while the receipt prints
    for line in lines:
        if line.kind is LineKind.CUT:
            out += cut_bytes(cut)
        elif line.kind is LineKind.BARCODE:
            out += _align(Align.CENTER) + barcode_bytes(line.data, symbology=symbology) + LF
            out += _align(Align.LEFT)
        elif line.kind is LineKind.QR:
            from posapp.devices.graphics import qr_bytes

            out += _align(Align.CENTER) + qr_bytes(line.data) + LF + _align(Align.LEFT)
        elif line.kind is LineKind.LOGO:
            if logo:
                out += _align(Align.CENTER) + logo + LF + _align(Align.LEFT)
        else:
            out += _text_line(line, kanji=kanji)
    return bytes(out)


def _align(align: Align) -> bytes:
    return ESC + b"a" + _ALIGN[align]


def _text_line(line: ReceiptLine, *, kanji: bool) -> bytes:
    """One styled line; centred lines are sent unpadded with ``ESC a 1`` so the printer centres them."""
    out = bytearray()
    text = line.text.rstrip()
    if line.align is not Align.LEFT:
        out += _align(line.align)
        text = text.strip()
    if line.bold:
        out += ESC + b"E\x01"
    styled = line.double_width or line.double_height
    if styled:
        gs, fs = _size(line)
        out += gs + (fs if kanji else b"")
    out += text_bytes(text, kanji=kanji) + LF
    if styled:
        out += GS + b"!\x00" + (FS + b"!\x00" if kanji else b"")
    if line.bold:
        out += ESC + b"E\x00"
    if line.align is not Align.LEFT:
        out += _align(Align.LEFT)
    return bytes(out)


def raster_bytes(rows: Sequence[bytes], width_bytes: int) -> bytes:
    """``GS v 0`` commands for packed 1-bit rows (1 = black dot), in bands of ``RASTER_BAND`` rows."""
    out = bytearray()
    for start in range(0, len(rows), RASTER_BAND):
        band = rows[start : start + RASTER_BAND]
        out += GS + b"v0\x00" + width_bytes.to_bytes(2, "little") + len(band).to_bytes(2, "little")
        out += b"".join(band)
    return bytes(out)


def encode_escpos_raster(
    lines: Sequence[ReceiptLine],
    *,
    width: int | None = None,
    open_drawer: bool = False,
    drawer: bytes | None = None,
    cut: CutMode = CutMode.PARTIAL,
    logo: Image.Image | None = None,
) -> bytes:
    """The receipt as a picture (``GS v 0``), for printers without a Kanji font; then the cut.

    The picture is the preview itself (logo and QR codes included), so paper and screen cannot differ.
    """
    from posapp.devices.graphics import ink_rows
    from posapp.devices.image import render_image

    body = [line for line in lines if line.kind is not LineKind.CUT]
    width_bytes, rows = ink_rows(render_image(body, width=width, margin=0, logo=logo))
    out = bytearray(INIT)
    if open_drawer:
        out += drawer or drawer_kick_bytes()
    out += raster_bytes(rows, width_bytes) + LF
    if any(line.kind is LineKind.CUT for line in lines):
        out += cut_bytes(cut)
    return bytes(out)
