"""Printer transports and the receipt printer: printing never raises into the sale flow."""

from __future__ import annotations

import logging
import socket
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from posapp.devices.escpos import drawer_kick_bytes, encode_escpos, encode_escpos_raster
from posapp.devices.render import render_receipt
from posapp.devices.setup import PrinterSetup, TransportKind, TransportSpec
from posapp.devices.status import STATUS_QUERY, PrinterState, PrinterStatus, decode_status
from posapp.domain.receipt import ReceiptDocument
from posapp.domain.tender import TenderKind

log = logging.getLogger(__name__)


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

    def read_status(self) -> PrinterStatus:
        """Ask the printer how it is (``DLE EOT``), for the status bar; never raises."""


_BLOCKING = {
    PrinterState.COVER_OPEN: PrinterErrorKind.COVER_OPEN,
    PrinterState.PAPER_OUT: PrinterErrorKind.PAPER_OUT,
    PrinterState.ERROR: PrinterErrorKind.UNKNOWN,
    PrinterState.OFFLINE: PrinterErrorKind.OFFLINE,
}


def blocking_problem(status: PrinterStatus) -> PrinterErrorKind | None:
    """The reason a job would not print, from a polled state (near end still prints)."""
    return _BLOCKING.get(status.state)


class NetworkTransport:
    """Raw TCP to the printer's port 9100 (Epson's "RAW" port), one connection per job."""

    def __init__(
        self, host: str, port: int = 9100, *, timeout: float = 5.0, query_status: bool = False
    ) -> None:
        self.host, self.port, self.timeout, self.query_status = host, port, timeout, query_status

    def _connect(self, timeout: float | None = None) -> socket.socket:
        try:
            return socket.create_connection((self.host, self.port), timeout=timeout or self.timeout)
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

    def read_status(self, timeout: float | None = None) -> PrinterStatus:
        """``DLE EOT 2`` and ``DLE EOT 4`` on a connection of their own; offline when none is made."""
        try:
            conn = self._connect(timeout)
        except PrinterError as exc:
            return PrinterStatus(PrinterState.OFFLINE, exc.detail)
        with conn:
            try:
                conn.sendall(STATUS_QUERY)
                reply = _recv_exactly(conn, 2)
            except TimeoutError:
                return PrinterStatus(PrinterState.UNKNOWN, "no answer to DLE EOT")
            except OSError as exc:
                return PrinterStatus(PrinterState.OFFLINE, str(exc))
        return PrinterStatus(decode_status(offline=reply[0], paper=reply[1]), reply.hex())

    def status(self) -> PrinterErrorKind | None:
        """Ask with ``DLE EOT`` before a job (only if configured: not every network interface answers)."""
        if not self.query_status:
            return None
        polled = self.read_status()
        if polled.state is PrinterState.OFFLINE:
            raise PrinterError(PrinterErrorKind.OFFLINE, polled.detail)
        return blocking_problem(polled)


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
    return blocking_problem(PrinterStatus(decode_status(offline=offline, paper=paper)))


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

    def read_status(self) -> PrinterStatus:
        """A file cannot say."""
        return PrinterStatus(PrinterState.UNKNOWN, "file")


class EscposDeviceTransport:
    """USB or serial through python-escpos, whose device is opened only when a job is sent."""

    def __init__(self, kind: str, *, query_status: bool = False, **options: Any) -> None:
        if kind not in ("usb", "serial"):
            raise ValueError(f"unknown device kind {kind!r}")
        self.kind, self.options, self.query_status = kind, options, query_status

    def _device(self) -> Any:
        from escpos import printer as escpos_printer  # imported late: pyusb / pyserial load slowly

        if self.kind == "usb":
            return escpos_printer.Usb(**self.options)
        return escpos_printer.Serial(**self.options)

    def send(self, data: bytes) -> None:
        """Open the device, write the raw bytes, close it."""
        try:
            device = self._device()
            device.open()
            try:
                device._raw(data)  # noqa: SLF001 - python-escpos has no public raw write; our bytes are complete ESC/POS
            finally:
                device.close()
        except PrinterError:
            raise
        except Exception as exc:  # pyusb / pyserial raise many types; all mean "not printed"
            raise PrinterError(PrinterErrorKind.OFFLINE, f"{self.kind}: {exc}") from exc

    def read_status(self) -> PrinterStatus:
        """``DLE EOT`` through the device's read endpoint; unknown when the model does not answer."""
        try:
            device = self._device()
            device.open()
            try:
                device._raw(STATUS_QUERY)  # noqa: SLF001 - python-escpos has no public raw write or read
                reply = bytes(device._read() or b"")  # noqa: SLF001
            finally:
                device.close()
        except Exception as exc:  # noqa: BLE001 - not there, no permission, unplugged
            return PrinterStatus(PrinterState.OFFLINE, f"{self.kind}: {exc}")
        if len(reply) < 2:
            return PrinterStatus(PrinterState.UNKNOWN, f"{self.kind}: no answer to DLE EOT")
        return PrinterStatus(decode_status(offline=reply[0], paper=reply[1]), reply.hex())

    def status(self) -> PrinterErrorKind | None:
        """Asked only when status watching is on: USB and serial answers vary by model."""
        return blocking_problem(self.read_status()) if self.query_status else None


def open_transport(spec: TransportSpec, *, query_status: bool = False, timeout: float = 5.0) -> Transport:
    """The transport a parsed spec names (``ValueError`` for "none": there is nothing to open)."""
    if spec.kind is TransportKind.NETWORK:
        return NetworkTransport(spec.host, spec.port, timeout=timeout, query_status=query_status)
    if spec.kind is TransportKind.FILE:
        return FileTransport(spec.path)
    if spec.kind is TransportKind.USB:
        return EscposDeviceTransport(
            "usb", query_status=query_status, idVendor=spec.vendor, idProduct=spec.product
        )
    if spec.kind is TransportKind.SERIAL:
        return EscposDeviceTransport(
            "serial", query_status=query_status, devfile=spec.device, baudrate=spec.baudrate
        )
    raise ValueError("no transport configured")


class ReceiptPrinter:
    """Prints receipts and kicks the drawer as the store set it up; every failure is a ``PrintResult``."""

    def __init__(
        self,
        transport: Transport,
        *,
        setup: PrinterSetup | None = None,
        width: int | None = None,
        raster: bool | None = None,
        language: str = "ja",
    ) -> None:
        setup = setup or PrinterSetup()
        if width is not None:
            setup = replace(setup, columns=width)
        if raster is not None:
            setup = replace(setup, raster=raster)
        self.transport, self.setup, self.language = transport, setup, language

    @property
    def width(self) -> int:
        """Columns across the paper."""
        return self.setup.columns

    def drawer_bytes(self) -> bytes:
        """The drawer kick on the store's pin with its pulse."""
        return drawer_kick_bytes(self.setup.drawer_pin, self.setup.drawer_pulse_ms)

    def encode(self, doc: ReceiptDocument, *, open_drawer: bool = False) -> bytes:
        """The bytes a job for ``doc`` sends."""
        setup = self.setup
        lines = render_receipt(
            doc,
            width=setup.columns,
            language=self.language,
            logo=bool(setup.logo_png),
            qr_receipt_no=setup.qr_receipt_no,
            qr_url=setup.qr_url,
        )
        return self.encode_lines(lines, open_drawer=open_drawer)

    def encode_lines(self, lines: list[Any], *, open_drawer: bool = False) -> bytes:
        """Laid-out lines as this printer's job: text or raster, its cut, its drawer, its logo."""
        from posapp.devices import graphics  # Pillow and qrcode only when a job is encoded

        setup = self.setup
        logo = graphics.load_logo(setup.logo_png) if setup.logo_png else None
        drawer = self.drawer_bytes()
        if setup.raster:
            return encode_escpos_raster(
                lines, width=setup.columns, open_drawer=open_drawer, drawer=drawer, cut=setup.cut, logo=logo
            )
        logo_bytes = b""
        if logo is not None:
            if setup.logo_in_printer == graphics.logo_fingerprint(setup.logo_png):
                logo_bytes = graphics.logo_print_bytes()
            else:  # not (yet) in the printer's memory: send the picture with the job
                from posapp.devices.escpos import raster_bytes

                width_bytes, rows = graphics.ink_rows(logo)
                logo_bytes = raster_bytes(rows, width_bytes)
        return encode_escpos(lines, open_drawer=open_drawer, drawer=drawer, cut=setup.cut, logo=logo_bytes)

    def print_receipt(self, doc: ReceiptDocument, *, open_drawer: bool | None = None) -> PrintResult:
        """Print ``doc``; the drawer opens by default when cash was tendered. Never raises."""
        if open_drawer is None:
            open_drawer = any(t.kind is TenderKind.CASH for t in doc.tenders) and not doc.reprint
        try:
            data = self.encode(doc, open_drawer=open_drawer)
        except Exception as exc:  # a layout bug must not lose a completed sale either
            log.exception("receipt %s could not be encoded", doc.header.receipt_no)
            return PrintResult(False, PrinterErrorKind.UNKNOWN, str(exc))
        return self.send(data)

    def open_drawer(self) -> PrintResult:
        """Kick the cash drawer (a cash tender or a manager-approved no-sale)."""
        return self.send(self.drawer_bytes())

    def send(self, data: bytes) -> PrintResult:
        """Send a finished job after asking for problems (when the transport asks); never raises."""
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
