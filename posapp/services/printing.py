"""Printing receipts after the sale: the sale is already stored, so a printer problem only informs.

The printer is a setting (``printer``): ``tcp://host:9100``, ``file:///path/to/spool.bin``,
``usb:0x04b8:0x0202`` or ``serial:/dev/ttyUSB0``; empty means preview only. A failed job is written
to the audit log, shown to the cashier, and the receipt can be printed again from the sale history.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from posapp.domain.errors import DomainError
from posapp.domain.receipt import ReceiptDocument
from posapp.services.attention import record_print_failure

if TYPE_CHECKING:
    from posapp.devices.printer import PrintResult, ReceiptPrinter, Transport
    from posapp.services.terminal import Terminal


class InvalidPrinterSetting(DomainError):
    """The printer setting is not one of the forms the terminal understands."""

    message_key = "error.printer.setting"


def transport_for(spec: str) -> Transport:
    """The transport a printer setting names."""
    # The device layer (python-escpos, Pillow) loads only when a printer is used: it costs 0.2 s at start.
    from posapp.devices.printer import EscposDeviceTransport, FileTransport, NetworkTransport

    parts = urlsplit(spec.strip())
    if parts.scheme == "tcp" and parts.hostname:
        return NetworkTransport(parts.hostname, parts.port or 9100)
    if parts.scheme == "file" and parts.path:
        return FileTransport(parts.path)
    if spec.startswith("usb:"):
        try:
            vendor, product = (int(x, 16) for x in spec.split(":")[1:3])
        except ValueError as error:
            raise InvalidPrinterSetting("printer: usb:VID:PID in hexadecimal", value=spec) from error
        return EscposDeviceTransport("usb", idVendor=vendor, idProduct=product)
    if spec.startswith("serial:"):
        return EscposDeviceTransport("serial", devfile=spec.split(":", 1)[1])
    raise InvalidPrinterSetting(
        "printer: use tcp://host:9100, file:///path, usb:VID:PID or serial:/dev/…", value=spec
    )


def receipt_printer(terminal: Terminal) -> ReceiptPrinter | None:
    """The configured printer, or ``None`` for preview only."""
    from posapp.devices.printer import ReceiptPrinter

    spec = terminal.settings.printer
    return ReceiptPrinter(transport_for(spec), language=terminal.settings.language) if spec else None


def print_receipt(terminal: Terminal, document: ReceiptDocument) -> PrintResult | None:
    """Print (opening the drawer for cash); ``None`` when no printer is set. Never raises for the printer."""
    printer = receipt_printer(terminal)
    if printer is None:
        return None
    result = printer.print_receipt(document)
    if not result.ok:
        # On the manager's attention list until the day ends; the receipt can be printed again.
        record_print_failure(
            terminal, receipt_no=document.header.receipt_no, error=f"{result.message_key}: {result.detail}"
        )
    return result


def open_drawer(terminal: Terminal) -> PrintResult | None:
    """Kick the drawer through the printer (after a manager-approved no-sale)."""
    printer = receipt_printer(terminal)
    return printer.open_drawer() if printer is not None else None
