"""What a printer says about itself (``DLE EOT``), in the words the status bar and attention list use.

``DLE EOT 2`` answers the offline cause (bit 2 cover open, bit 5 stopped at paper end, bit 6 an
error such as a cutter jam); ``DLE EOT 4`` the roll sensors (bits 2–3 near end, bits 5–6 out).
Both answers carry fixed bits 1 and 4 (0x12), which tell a status byte from other traffic.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

DLE_EOT_OFFLINE_CAUSE = b"\x10\x04\x02"
DLE_EOT_PAPER_SENSOR = b"\x10\x04\x04"
STATUS_QUERY = DLE_EOT_OFFLINE_CAUSE + DLE_EOT_PAPER_SENSOR
_FIXED_MASK, _FIXED_BITS = 0x93, 0x12
"""Bits 0, 1, 4 and 7 of every real-time status byte are fixed: 0, 1, 1, 0."""


class PrinterState(StrEnum):
    """One word for the printer's state, worst first when several hold."""

    COVER_OPEN = "cover_open"
    PAPER_OUT = "paper_out"
    ERROR = "error"
    OFFLINE = "offline"
    PAPER_NEAR_END = "paper_near_end"
    READY = "ready"
    UNKNOWN = "unknown"
    """The transport cannot ask (a file) or the printer does not answer status queries."""

    @property
    def is_problem(self) -> bool:
        """Printing will fail (near end still prints: it is a warning, not a problem)."""
        return self in (
            PrinterState.COVER_OPEN,
            PrinterState.PAPER_OUT,
            PrinterState.ERROR,
            PrinterState.OFFLINE,
        )

    @property
    def needs_attention(self) -> bool:
        """Shown in the status bar and on the manager's attention list."""
        return self.is_problem or self is PrinterState.PAPER_NEAR_END


def is_status_byte(value: int) -> bool:
    """True for a byte shaped like a real-time status answer."""
    return value & _FIXED_MASK == _FIXED_BITS


def decode_status(*, offline: int, paper: int) -> PrinterState:
    """The state from the ``DLE EOT 2`` and ``DLE EOT 4`` answers."""
    if not (is_status_byte(offline) and is_status_byte(paper)):
        return PrinterState.UNKNOWN
    if offline & 0x04:
        return PrinterState.COVER_OPEN
    if paper & 0x60 or offline & 0x20:
        return PrinterState.PAPER_OUT
    if offline & 0x40:
        return PrinterState.ERROR  # cutter jam, head overheated: printing stopped
    if paper & 0x0C:
        return PrinterState.PAPER_NEAR_END
    return PrinterState.READY


@dataclass(frozen=True, slots=True)
class PrinterStatus:
    """A polled state, with the technical detail kept for the log."""

    state: PrinterState
    detail: str = ""
