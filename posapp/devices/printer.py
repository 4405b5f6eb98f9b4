"""Printer transports and the receipt printer: printing never raises into the sale flow."""

from __future__ import annotations

import logging
import socket
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from posapp.devices.escpos import drawer_kick_bytes, encode_escpos, encode_escpos_raster
from posapp.devices.render import DEFAULT_WIDTH, render_receipt
from posapp.domain.receipt import ReceiptDocument
from posapp.domain.tender import TenderKind

log = logging.getLogger(__name__)

DLE_EOT_PRINTER = b"\x10\x04\x01"
DLE_EOT_OFFLINE = b"\x10\x04\x02"
DLE_EOT_PAPER = b"\x10\x04\x04"


class PrinterErrorKind(StrEnum):
    """Why a receipt did not print; the UI tells the cashier and offers a reprint."""

    OFFLINE = "offline"
    TIMEOUT = "timeout"
    COVER_OPEN = "cover_open"
    PAPER_OUT = "paper_out"
    UNKNOWN = "unknown"


class PrinterError(Exception):
    """A printer problem with a message key the UI translates."""

    def __init__(self, kind: PrinterErrorKind, detail: str = "") -> None:
        super().__init__(detail or kind.value)
        self.kind = kind
        self.detail = detail or kind.value

    @property
    def message_key(self) -> str:
        """``error.printer.<kind>``."""
        return f"error.printer.{self.kind.value}"


@dataclass(frozen=True, slots=True)
class PrintResult:
    """What happened to a print job; ``error`` is set when ``ok`` is false."""

    ok: bool
    error: PrinterErrorKind | None = None
    detail: str = ""
    sent: int = 0

    @property
    def message_key(self) -> str:
        """``printer.ok`` or ``error.printer.<kind>``."""
        return "printer.ok" if self.ok else f"error.printer.{(self.error or PrinterErrorKind.UNKNOWN).value}"


class Transport(Protocol):
    """Somewhere bytes go: a socket, a file, a USB or serial port."""

    def send(self, data: bytes) -> None:
        """Deliver the whole of ``data`` or raise ``PrinterError``."""

    def status(self) -> PrinterErrorKind | None:
        """A problem the printer reports before we print, or ``None`` (also when it cannot say)."""


class NetworkTransport:
    """Raw TCP to the printer's port 9100 (Epson's "RAW" port), one connection per job."""

    def __init__(
        self, host: str, port: int = 9100, *, timeout: float = 5.0, query_status: bool = False
    ) -> None:
        self.host, self.port, self.timeout, self.query_status = host, port, timeout, query_status

    def _connect(self) -> socket.socket:
        try:
            return socket.create_connection((self.host, self.port), timeout=self.timeout)
        except TimeoutError as exc:
            raise PrinterError(PrinterErrorKind.TIMEOUT, f"{self.host}:{self.port}: {exc}") from exc
        except OSError as exc:
            raise PrinterError(PrinterErrorKind.OFFLINE, f"{self.host}:{self.port}: {exc}") from exc

    def send(self, data: bytes) -> None:
        """Connect, send everything, close."""
        with self._connect() as conn:
            try:
                conn.sendall(data)
            except TimeoutError as exc:
                raise PrinterError(PrinterErrorKind.TIMEOUT, str(exc)) from exc
            except OSError as exc:
                raise PrinterError(PrinterErrorKind.OFFLINE, str(exc)) from exc

    def status(self) -> PrinterErrorKind | None:
        """Ask with ``DLE EOT`` (only if configured: not every network interface answers)."""
        if not self.query_status:
            return None
        with self._connect() as conn:
            try:
                conn.sendall(DLE_EOT_OFFLINE + DLE_EOT_PAPER)
                reply = _recv_exactly(conn, 2)
            except TimeoutError:
                return PrinterErrorKind.TIMEOUT
            except OSError:
                return PrinterErrorKind.OFFLINE
        return status_from_replies(offline=reply[0], paper=reply[1])


def _recv_exactly(conn: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        if not chunk:
            raise ConnectionError("printer closed the connection")
        data += chunk
    return data


def status_from_replies(*, offline: int, paper: int) -> PrinterErrorKind | None:
    """Decode ``DLE EOT 2`` (offline cause) and ``DLE EOT 4`` (paper sensor) status bytes."""
    if offline & 0x04:
        return PrinterErrorKind.COVER_OPEN
    if paper & 0x60 or offline & 0x20:
        return PrinterErrorKind.PAPER_OUT
    if offline & 0x40:
        return PrinterErrorKind.UNKNOWN  # an error that stopped printing (cutter jam, overheating)
    return None


class FileTransport:
    """Append bytes to a file: a spool for tests, a device node like ``/dev/usb/lp0``, or a capture."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    def send(self, data: bytes) -> None:
        """Append ``data`` to the file."""
        try:
            with self.path.open("ab") as handle:
                handle.write(data)
        except OSError as exc:
            raise PrinterError(PrinterErrorKind.OFFLINE, f"{self.path}: {exc}") from exc

    def status(self) -> PrinterErrorKind | None:
        """A file cannot say."""
        return None


class EscposDeviceTransport:
    """USB or serial through python-escpos, whose device is opened only when a job is sent."""

    def __init__(self, kind: str, **options: Any) -> None:
        if kind not in ("usb", "serial"):
            raise ValueError(f"unknown device kind {kind!r}")
        self.kind, self.options = kind, options

    def _device(self) -> Any:
        from escpos import printer as escpos_printer  # imported late: pyusb / pyserial are optional

        if self.kind == "usb":
            return escpos_printer.Usb(**self.options)
        return escpos_printer.Serial(**self.options)

    def send(self, data: bytes) -> None:
        """Open the device, write the raw bytes, close it."""
        try:
            device = self._device()
            device.open()
            try:
                device._raw(data)  # our bytes are already complete ESC/POS
            finally:
                device.close()
        except PrinterError:
            raise
        except Exception as exc:  # pyusb / pyserial raise many types; all mean "not printed"
            raise PrinterError(PrinterErrorKind.OFFLINE, f"{self.kind}: {exc}") from exc

    def status(self) -> PrinterErrorKind | None:
        """Not asked: USB and serial status replies vary by model."""
        return None


class ReceiptPrinter:
    """Prints receipts and kicks the drawer; every failure comes back as a ``PrintResult``."""

    def __init__(
        self, transport: Transport, *, width: int = DEFAULT_WIDTH, raster: bool = False, language: str = "ja"
    ) -> None:
        self.transport, self.width, self.raster, self.language = transport, width, raster, language

    def encode(self, doc: ReceiptDocument, *, open_drawer: bool = False) -> bytes:
        """The bytes a job for ``doc`` sends."""
        lines = render_receipt(doc, width=self.width, language=self.language)
        if self.raster:
            return encode_escpos_raster(lines, width=self.width, open_drawer=open_drawer)
        return encode_escpos(lines, open_drawer=open_drawer)

    def print_receipt(self, doc: ReceiptDocument, *, open_drawer: bool | None = None) -> PrintResult:
        """Print ``doc``; the drawer opens by default when cash was tendered. Never raises."""
        if open_drawer is None:
            open_drawer = any(t.kind is TenderKind.CASH for t in doc.tenders) and not doc.reprint
        try:
            data = self.encode(doc, open_drawer=open_drawer)
        except Exception as exc:  # a layout bug must not lose a completed sale either
            log.exception("receipt %s could not be encoded", doc.header.receipt_no)
            return PrintResult(False, PrinterErrorKind.UNKNOWN, str(exc))
        return self._send(data)

    def open_drawer(self) -> PrintResult:
        """Kick the cash drawer (a cash tender or a manager-approved no-sale)."""
        return self._send(drawer_kick_bytes())

    def _send(self, data: bytes) -> PrintResult:
        try:
            problem = self.transport.status()
            if problem is not None:
                return PrintResult(False, problem, problem.value)
            self.transport.send(data)
        except PrinterError as exc:
            log.warning("printer: %s", exc.detail)
            return PrintResult(False, exc.kind, exc.detail)
        except Exception as exc:
            log.exception("printer failed")
            return PrintResult(False, PrinterErrorKind.UNKNOWN, str(exc))
        return PrintResult(True, sent=len(data))
