"""What the customer sees (客面表示): one view of the counter, for the second-screen window and 2×20 pole displays.

``CounterView`` is built from the same cart value the sale screen shows (no copy of the lines), so a
scan costs the display nothing until it draws. ``line_display_text`` gives the two 20-column lines
of a VFD / ESC-POS pole display, ``line_display_bytes`` their bytes (Epson DM-D command set), and
``LineDisplay`` sends them on a thread of its own, latest view first, so a slow serial port never
holds up a scan.
"""

from __future__ import annotations

import logging
import threading
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from posapp.devices.layout import columns, printable
from posapp.domain.money import format_yen

if TYPE_CHECKING:
    from posapp.devices.printer import Transport
    from posapp.domain.cart import Cart, CartTotals

log = logging.getLogger(__name__)

LINE_COLUMNS = 20
ESC, FS, US = b"\x1b", b"\x1c", b"\x1f"
CLEAR = b"\x0c"
KATAKANA_TABLE = ESC + b"t\x01"
SHIFT_JIS = FS + b"C\x01"


def cursor(column: int, row: int) -> bytes:
    """``US $ x y``: move to ``column``, ``row`` (both from 1)."""
    return US + b"$" + bytes([column, row])


class Phase(StrEnum):
    """Waiting for a customer, ringing up, or paid."""

    IDLE = "idle"
    SALE = "sale"
    PAID = "paid"


@dataclass(frozen=True, slots=True)
class CounterView:
    """One moment of the counter as the customer should see it."""

    phase: Phase = Phase.IDLE
    cart: Cart | None = None
    totals: CartTotals | None = None
    last_index: int | None = None
    """The line just scanned or changed (the pole display shows it)."""
    total: int = 0
    item_count: int = 0
    points_used: int = 0
    points_earned: int = 0
    tendered: int = 0
    change: int = 0
    store_name: str = ""
    message: str = ""

    @classmethod
    def for_cart(cls, cart: Cart, totals: CartTotals, last_index: int | None = None) -> CounterView:
        """A sale in progress (an empty cart too: the display then goes idle)."""
        if last_index is None and cart.lines:
            last_index = len(cart.lines) - 1
        return cls(
            Phase.SALE,
            cart=cart,
            totals=totals,
            last_index=last_index,
            total=totals.amount_due,
            item_count=totals.item_count,
            points_used=totals.points_discount,
        )

    @classmethod
    def for_payment(
        cls, *, total: int, tendered: int, change: int, points_used: int, points_earned: int, item_count: int
    ) -> CounterView:
        """The sale is paid: what was handed over and what comes back."""
        return cls(
            Phase.PAID,
            total=total,
            item_count=item_count,
            tendered=tendered,
            change=change,
            points_used=points_used,
            points_earned=points_earned,
        )

    @classmethod
    def idle(cls, store_name: str, message: str) -> CounterView:
        """No customer: the store's name and its message."""
        return cls(Phase.IDLE, store_name=store_name, message=message)

    @property
    def is_empty_sale(self) -> bool:
        """A sale with no lines yet (shown as the idle screen)."""
        return self.phase is Phase.SALE and not (self.cart and self.cart.lines)


def _halfwidth_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for code in range(0xFF61, 0xFFA0):
        half = chr(code)
        table.setdefault(unicodedata.normalize("NFKC", half), half)
    return table


_HALF = _halfwidth_table()
_MARKS = {"\u3099": "\uff9e", "\u309a": "\uff9f"}


def halfwidth_katakana(text: str) -> str:
    """Kana as half-width katakana (what a display without Kanji shows); other non-ASCII as ``?``."""
    out: list[str] = []
    for char in unicodedata.normalize("NFD", unicodedata.normalize("NFKC", text)):
        if "\u3041" <= char <= "\u3096":
            char = chr(ord(char) + 0x60)  # hiragana → katakana
        if char.isascii():
            out.append(char)
        elif char in _MARKS:
            out.append(_MARKS[char])
        else:
            out.append(_HALF.get(char, "?"))
    return "".join(out)


_WORDS = {
    True: {
        "total": "合計",
        "items": "点",
        "cash": "お預り",
        "change": "お釣り",
        "thanks": "ありがとうございました",
    },
    False: {"total": "TOTAL", "items": "", "cash": "CASH", "change": "CHANGE", "thanks": "THANK YOU"},
}


def _pair(left: str, right: str, kanji: bool) -> str:
    """``left`` and ``right`` at the two ends of a 20-column line."""
    if kanji:
        return columns(left, right, LINE_COLUMNS)
    # Half-width katakana are one column each; the printer layout's helpers would widen them again.
    left = halfwidth_katakana(left)[: max(LINE_COLUMNS - len(right) - 1, 0)]
    return left + " " * (LINE_COLUMNS - len(left) - len(right)) + right


def line_display_text(view: CounterView, *, kanji: bool = True) -> tuple[str, str]:
    """The two 20-column lines for ``view``."""
    words = _WORDS[kanji]
    if view.phase is Phase.PAID:
        if view.change or view.tendered:
            return (
                _pair(words["cash"], format_yen(view.tendered), kanji),
                _pair(words["change"], format_yen(view.change), kanji),
            )
        return (words["thanks"][:LINE_COLUMNS], _pair(words["total"], format_yen(view.total), kanji))
    if view.phase is Phase.IDLE or view.is_empty_sale or view.cart is None:
        return (_pair(view.message, "", kanji).rstrip(), _pair(view.store_name, "", kanji).rstrip())
    top = ""
    if view.last_index is not None and 0 <= view.last_index < len(view.cart.lines):
        line = view.cart.lines[view.last_index]
        quantity = f" x{line.quantity}" if line.quantity > 1 else ""
        top = _pair(line.name + quantity, format_yen(line.amount), kanji)
    count = f"{view.item_count}{words['items']}" if kanji else ""
    return (top, _pair(f"{words['total']} {count}".strip(), format_yen(view.total), kanji))


def _fit(text: str, kanji: bool) -> bytes:
    from posapp.devices.escpos import text_bytes  # python-escpos loads only when a pole display is used

    if kanji:
        return text_bytes(columns(printable(text), "", LINE_COLUMNS, gap=0).rstrip())
    encoded = halfwidth_katakana(text).replace("¥", "\\").encode("cp932", errors="replace")
    return encoded[:LINE_COLUMNS]


def line_display_bytes(top: str, bottom: str, *, kanji: bool = True) -> bytes:
    """Initialise, choose the character set, clear, then each line at its row."""
    mode = SHIFT_JIS if kanji else KATAKANA_TABLE
    return ESC + b"@" + mode + CLEAR + cursor(1, 1) + _fit(top, kanji) + cursor(1, 2) + _fit(bottom, kanji)


class LineDisplay:
    """A pole display behind a transport, fed from the GUI thread without ever blocking it.

    ``show`` only records the newest frame; a sender thread delivers it. Frames that arrive while
    one is being sent are merged into the newest (a scan burst shows its last item, not each one).
    """

    def __init__(self, transport: Transport, *, kanji: bool = True) -> None:
        self.transport, self.kanji = transport, kanji
        self._pending: bytes | None = None
        self._last_sent: bytes | None = None
        self._wake = threading.Condition()
        self._closed = False
        self._busy = False
        self.sent = 0
        self.failures = 0
        self._thread = threading.Thread(target=self._run, name="posapp-line-display", daemon=True)
        self._thread.start()

    def show(self, view: CounterView) -> None:
        """Queue ``view`` (replacing any frame not yet sent)."""
        frame = line_display_bytes(*line_display_text(view, kanji=self.kanji), kanji=self.kanji)
        with self._wake:
            self._pending = frame
            self._wake.notify()

    def _run(self) -> None:
        while True:
            with self._wake:
                while self._pending is None and not self._closed:
                    self._wake.wait()
                if self._closed:
                    return
                frame, self._pending = self._pending, None
                self._busy = True
            try:
                if frame is not None and frame != self._last_sent:
                    self.transport.send(frame)
                    self._last_sent = frame
                    self.sent += 1
            except Exception as error:  # noqa: BLE001 - an unplugged display must never reach the sale
                self.failures += 1
                log.warning("line display: %s", error)
            finally:
                with self._wake:
                    self._busy = False

    def close(self) -> None:
        """Stop the sender (a frame being sent is finished)."""
        with self._wake:
            self._closed = True
            self._wake.notify()
        self._thread.join(2)
