"""Printing receipts after the sale: the sale is already stored, so a printer problem only informs.

The printer is a setting (``printer``): ``tcp://host:9100``, ``file:///path/to/spool.bin``,
``usb:04b8:0202`` or ``serial:/dev/ttyUSB0``; empty means preview only. Paper width, print mode,
cutter, drawer, logo and QR codes come from the device setup (``posapp/services/devices.py``). A
failed job is written to the audit log, shown to the cashier, and the receipt can be printed again
from the sale history.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from posapp.devices.setup import InvalidDeviceSetting, TransportKind, parse_transport
from posapp.domain.receipt import ReceiptDocument
from posapp.services.attention import record_print_failure
from posapp.services.devices import load_setup, printer_for

if TYPE_CHECKING:
    from posapp.devices.printer import PrintResult, ReceiptPrinter, Transport
    from posapp.services.counter import Counter

InvalidPrinterSetting = InvalidDeviceSetting
"""The printer setting is not one of the forms the terminal understands (kept name)."""


def transport_for(spec: str) -> Transport:
    """The transport a printer setting names (``InvalidDeviceSetting`` when it names none)."""
    # The device layer (python-escpos, Pillow) loads only when a printer is used: it costs 0.2 s at start.
    from posapp.devices.printer import open_transport

    parsed = parse_transport(spec)
    if parsed.kind is TransportKind.NONE:
        raise InvalidDeviceSetting("printer: empty", field_name="transport", value=spec)
    return open_transport(parsed)


def receipt_printer(counter: Counter) -> ReceiptPrinter | None:
    """The configured printer, or ``None`` for preview only."""
    return printer_for(load_setup(counter).printer, counter.settings.language)


def print_receipt(counter: Counter, document: ReceiptDocument) -> PrintResult | None:
    """Print (opening the drawer for cash); ``None`` when no printer is set. Never raises for the printer."""
    printer = receipt_printer(counter)
    if printer is None:
        return None
    result = printer.print_receipt(document)
    if not result.ok:
        # On the manager's attention list until the day ends; the receipt can be printed again.
        record_print_failure(
            counter, receipt_no=document.header.receipt_no, error=f"{result.message_key}: {result.detail}"
        )
    return result


def open_drawer(counter: Counter) -> PrintResult | None:
    """Kick the drawer through the printer (after a manager-approved no-sale)."""
    printer = receipt_printer(counter)
    return printer.open_drawer() if printer is not None else None
