"""Receipt lines → monospaced text: the screen's preview and ``--self-check`` show what the paper shows.

``render.render_receipt`` is the one builder of a receipt's lines; this module, like ``escpos`` (paper)
and ``image`` (PNG / PDF), only lays them out. Widths are the printer's (``layout.display_width``: a
full-width or East Asian ambiguous character such as ※ takes two columns), which is what a Japanese
monospaced font shows on screen.
"""

from __future__ import annotations

from collections.abc import Sequence

from posapp.devices.layout import LineKind, ReceiptLine, center
from posapp.devices.render import DEFAULT_WIDTH, render_receipt
from posapp.domain.receipt import ReceiptDocument

_NOT_TEXT = (LineKind.LOGO, LineKind.CUT)


def plain_lines(lines: Sequence[ReceiptLine], width: int = DEFAULT_WIDTH) -> list[str]:
    """One string per printed line; the logo and the cut have no text and are left out."""
    out: list[str] = []
    for line in lines:
        if line.kind in _NOT_TEXT:
            continue
        if line.double_width or line.kind is not LineKind.TEXT:
            # Text cannot be stretched: a double-width title is centred across the whole paper instead,
            # and a barcode or QR code shows its data where the printer draws it.
            out.append(center(line.text.strip(), width))
        else:
            out.append(line.text)
    return out


def receipt_text(doc: ReceiptDocument, width: int = DEFAULT_WIDTH, *, language: str = "ja") -> str:
    """The whole receipt as one block of monospaced text, laid out from the printer's lines."""
    return "\n".join(plain_lines(render_receipt(doc, width, language=language), width))
