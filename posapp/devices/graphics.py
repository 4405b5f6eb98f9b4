"""The store logo and QR codes: 1-bit pictures for paper and preview, and the ESC/POS that carries them.

The logo is stored once in the printer's non-volatile memory with ``GS ( L`` (function 67, raster
graphics, key ``OP``) and printed on each receipt with function 69, a few bytes instead of kilobytes
of picture. NV memory wears out (Epson allows about ten writes a day), so it is written only when
the manager saves a new logo; until then a receipt carries the picture itself (``GS v 0``).
QR codes use the printer's own symbol (``GS ( k``, model 2, level M) via python-escpos; the preview
draws the same data with the ``qrcode`` package that python-escpos itself builds on.
"""

from __future__ import annotations

import hashlib
import io

import qrcode
from escpos.constants import QR_ECLEVEL_M
from escpos.printer import Dummy
from PIL import Image, ImageOps, UnidentifiedImageError

from posapp.domain.errors import DomainError

GS = b"\x1d"
LOGO_KEY = b"OP"
"""Key code of the stored logo: two printable ASCII bytes, chosen once for OmniPOS."""
MAX_LOGO_HEIGHT = 240
"""Dots; a taller logo pushes the receipt's content down the paper for no gain."""
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
QR_MODULE = 4
"""Dots per QR module: 4 at 180/203 dpi is about 0.5 mm, which phone cameras and 2D scanners read."""


class InvalidLogo(DomainError):
    """The chosen file is not a picture Pillow can read, or is too large."""

    message_key = "error.printer.logo"


def prepare_logo(data: bytes, *, width_dots: int) -> Image.Image:
    """Any picture → a 1-bit logo (black = ink) no wider than the paper and at most 240 dots tall (never enlarged).

    Transparency becomes white paper, colours become grey and then Floyd–Steinberg dots; the width is
    padded to whole bytes with white so no stray dots appear at the right edge.
    """
    if not data or len(data) > MAX_UPLOAD_BYTES:
        raise InvalidLogo("logo: empty or larger than 5 MB", value=len(data))
    try:
        with Image.open(io.BytesIO(data)) as opened:
            opened.load()
            picture = opened.convert("RGBA")
    except (UnidentifiedImageError, OSError, ValueError) as error:
        raise InvalidLogo("logo: not a picture (PNG, JPEG, BMP, GIF)") from error
    paper = Image.new("RGBA", picture.size, "white")
    paper.alpha_composite(picture)
    gray = paper.convert("L")
    gray.thumbnail((width_dots, MAX_LOGO_HEIGHT), Image.Resampling.LANCZOS)  # shrinks, never enlarges
    canvas = Image.new("L", ((gray.width + 7) // 8 * 8, gray.height), 255)
    canvas.paste(gray, ((canvas.width - gray.width) // 2, 0))
    return canvas.convert("1")  # dithered


def logo_png(logo: Image.Image) -> bytes:
    """The logo as a small 1-bit PNG (a few kilobytes), the form it is kept in the settings."""
    out = io.BytesIO()
    logo.convert("1").save(out, "PNG", optimize=True)
    return out.getvalue()


def load_logo(png: bytes) -> Image.Image:
    """A stored logo back as a 1-bit picture."""
    with Image.open(io.BytesIO(png)) as opened:
        return opened.convert("1")


def logo_fingerprint(png: bytes) -> str:
    """Which logo the printer holds: compared with the current one to know if it must be written again."""
    return hashlib.sha256(png).hexdigest()[:16]


def ink_rows(logo: Image.Image) -> tuple[int, list[bytes]]:
    """Packed rows with 1 = a black dot, and the bytes per row (Pillow's ``1`` mode has 1 = white)."""
    inverted = ImageOps.invert(logo.convert("L")).convert("1", dither=Image.Dither.NONE)
    width_bytes = (inverted.width + 7) // 8
    data = inverted.tobytes()
    return width_bytes, [data[i * width_bytes : (i + 1) * width_bytes] for i in range(inverted.height)]


def logo_store_bytes(logo: Image.Image, key: bytes = LOGO_KEY) -> bytes:
    """``GS ( L`` function 67: define the NV raster graphic ``key`` (replacing one with that key)."""
    width_bytes, rows = ink_rows(logo)
    # m=48 fn=67 a=48 (monochrome) kc1 kc2 b=1 (one colour) xL xH yL yH c=49 (colour 1) then the rows.
    params = b"0C0" + key + b"\x01" + (width_bytes * 8).to_bytes(2, "little")
    params += len(rows).to_bytes(2, "little") + b"1" + b"".join(rows)
    if len(params) > 0xFFFF:
        raise InvalidLogo("logo: too large for one GS ( L command", value=len(params))
    return GS + b"(L" + len(params).to_bytes(2, "little") + params


def logo_print_bytes(key: bytes = LOGO_KEY) -> bytes:
    """``GS ( L`` function 69: print the NV graphic ``key`` at normal size."""
    return GS + b"(L\x06\x000E" + key + b"\x01\x01"


def qr_bytes(data: str, *, module: int = QR_MODULE) -> bytes:
    """``GS ( k``: model 2, module size, error level M, store the data, print it (python-escpos)."""
    printer = Dummy()
    printer.qr(data, ec=QR_ECLEVEL_M, size=module, native=True)
    return bytes(printer.output)


def qr_image(data: str, *, module: int = QR_MODULE) -> Image.Image:
    """The same QR code as a picture for the preview (white border of four modules, as the standard asks)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=module, border=4)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()
    size = len(matrix)
    image = Image.new("1", (size, size), 1)
    image.putdata([0 if dark else 1 for row in matrix for dark in row])
    return image.resize((size * module, size * module), Image.Resampling.NEAREST).convert("L")
