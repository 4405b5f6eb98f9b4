"""How the counter's devices are set up: one typed model, validated in one place, for the dialog and printing.

A printer is reached by a *transport spec*, the one text form kept in the ``printer`` setting:
``tcp://192.168.1.50:9100``, ``usb:04b8:0202``, ``serial:/dev/ttyUSB0?baud=38400`` (or ``serial:COM3``),
``file:///var/spool/pos.bin``; empty means preview only. ``PrinterSetup`` adds the paper, print mode,
cutter, drawer, logo and QR codes; ``DisplaySetup`` the customer-facing display. Both are plain values
(the store keeps them as JSON, ``posapp/services/devices.py``); ``validate()`` refuses what a printer
could not do, naming the field, so the dialog can put the cursor on it.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import asdict, dataclass, fields
from enum import StrEnum
from typing import Any
from urllib.parse import parse_qs, urlsplit

from posapp.domain.errors import DomainError

COLUMNS = (32, 42, 48)
"""58 mm paper → 32 columns; 80 mm → 42 (Epson TM-T88) or 48 (TM-T20, TM-m30)."""
DOTS_PER_COLUMN = 12
BAUD_RATES = (9600, 19200, 38400, 57600, 115200)
PULSE_RANGE = (20, 500)
"""Drawer solenoid on-time in ms: ``ESC p`` counts in 2 ms steps up to 255 (510 ms)."""
MAX_URL = 200
_HOST = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$")
_SERIAL_DEVICE = re.compile(r"^(/dev/[A-Za-z0-9._/-]+|COM[0-9]{1,3})$")


class InvalidDeviceSetting(DomainError):
    """A device setting the hardware cannot follow; ``field`` names the one to correct."""

    message_key = "error.printer.setting"

    def __init__(self, detail: str, *, field_name: str, value: Any = None) -> None:
        super().__init__(detail, value=value, field=field_name)
        self.field = field_name
        self.message_key = f"error.device.{field_name}"


class TransportKind(StrEnum):
    """Where the bytes go."""

    NONE = "none"
    NETWORK = "network"
    USB = "usb"
    SERIAL = "serial"
    FILE = "file"


class CutMode(StrEnum):
    """What the cutter does at the end of a receipt."""

    PARTIAL = "partial"
    FULL = "full"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class TransportSpec:
    """A parsed transport spec: only the fields of its kind are meaningful."""

    kind: TransportKind = TransportKind.NONE
    host: str = ""
    port: int = 9100
    vendor: int = 0
    product: int = 0
    device: str = ""
    baudrate: int = 9600
    path: str = ""

    def text(self) -> str:
        """The spec back as the one line stored in the settings."""
        if self.kind is TransportKind.NETWORK:
            host = f"[{self.host}]" if ":" in self.host else self.host
            return f"tcp://{host}:{self.port}"
        if self.kind is TransportKind.USB:
            return f"usb:{self.vendor:04x}:{self.product:04x}"
        if self.kind is TransportKind.SERIAL:
            return f"serial:{self.device}" + ("" if self.baudrate == 9600 else f"?baud={self.baudrate}")
        if self.kind is TransportKind.FILE:
            return f"file://{self.path}"
        return ""


def _refuse(field_name: str, detail: str, value: Any = None) -> InvalidDeviceSetting:
    return InvalidDeviceSetting(detail, field_name=field_name, value=value)


def _hex16(text: str, field_name: str) -> int:
    try:
        number = int(text.strip().lower().removeprefix("0x"), 16)
    except ValueError as error:
        raise _refuse(field_name, "USB ids are four hexadecimal digits", text) from error
    if not 0 < number <= 0xFFFF:
        raise _refuse(field_name, "USB ids are four hexadecimal digits", text)
    return number


def check_host(host: str) -> str:
    """An IP address or a host name, nothing else (no scheme, no path, no spaces)."""
    host = host.strip()
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    if not _HOST.match(host):
        raise _refuse("host", "printer host: an IP address such as 192.168.1.50 or a host name", host)
    return host


def parse_transport(spec: str) -> TransportSpec:
    """The transport a spec names; ``InvalidDeviceSetting`` (field ``transport``) when it names none."""
    spec = spec.strip()
    if not spec:
        return TransportSpec()
    if spec.startswith("usb:"):
        ids = spec.split(":")
        if len(ids) != 3:
            raise _refuse("transport", "usb:VID:PID in hexadecimal", spec)
        return TransportSpec(
            TransportKind.USB, vendor=_hex16(ids[1], "vendor"), product=_hex16(ids[2], "product")
        )
    if spec.startswith("serial:"):
        device, _, query = spec.removeprefix("serial:").partition("?")
        if not _SERIAL_DEVICE.match(device):
            raise _refuse("device", "serial: /dev/ttyUSB0 or COM3", device)
        baud = parse_qs(query).get("baud", ["9600"])[0]
        if not baud.isdigit() or int(baud) not in BAUD_RATES:
            raise _refuse("baudrate", f"baud rate: one of {BAUD_RATES}", baud)
        return TransportSpec(TransportKind.SERIAL, device=device, baudrate=int(baud))
    parts = urlsplit(spec)
    if parts.scheme == "tcp":
        try:
            port = parts.port or 9100
        except ValueError as error:
            raise _refuse("port", "port: 1–65535", spec) from error
        if not parts.hostname or parts.path not in ("", "/"):
            raise _refuse("transport", "tcp://host:9100", spec)
        return TransportSpec(TransportKind.NETWORK, host=check_host(parts.hostname), port=port)
    if parts.scheme == "file" and parts.path.startswith("/") and not parts.netloc:
        return TransportSpec(TransportKind.FILE, path=parts.path)
    raise _refuse("transport", "use tcp://host:9100, file:///path, usb:VID:PID or serial:/dev/…", spec)


def build_transport_spec(kind: TransportKind, **values: str) -> TransportSpec:
    """A spec from the dialog's separate fields, each checked and named when wrong."""
    if kind is TransportKind.NETWORK:
        port_text = values.get("port", "9100").strip()
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise _refuse("port", "port: 1–65535", port_text)
        return TransportSpec(kind, host=check_host(values.get("host", "")), port=int(port_text))
    if kind is TransportKind.USB:
        return TransportSpec(
            kind,
            vendor=_hex16(values.get("vendor", ""), "vendor"),
            product=_hex16(values.get("product", ""), "product"),
        )
    if kind is TransportKind.SERIAL:
        return parse_transport(
            f"serial:{values.get('device', '').strip()}?baud={values.get('baudrate', '9600')}"
        )
    if kind is TransportKind.FILE:
        path = values.get("path", "").strip()
        if not path.startswith("/") or "\x00" in path:
            raise _refuse("path", "file: an absolute path such as /dev/usb/lp0", path)
        return TransportSpec(kind, path=path)
    return TransportSpec()


def qr_url_text(template: str, receipt_no: str) -> str:
    """The store's QR address for one receipt (``{receipt_no}`` is filled in)."""
    return template.replace("{receipt_no}", receipt_no)


@dataclass(frozen=True, slots=True)
class PrinterSetup:
    """Everything about the receipt printer a store sets itself."""

    transport: str = ""
    columns: int = 42
    raster: bool = False
    cut: CutMode = CutMode.PARTIAL
    drawer_pin: int = 2
    drawer_pulse_ms: int = 100
    logo_png: bytes = b""
    logo_in_printer: str = ""
    """Fingerprint of the logo last written to the printer's memory ("" = none written)."""
    qr_receipt_no: bool = True
    qr_url: str = ""
    watch_status: bool = False

    @property
    def width_dots(self) -> int:
        """Printable dots across the paper (12 per column)."""
        return self.columns * DOTS_PER_COLUMN

    def transport_spec(self) -> TransportSpec:
        """The parsed transport (already validated when the setup was saved)."""
        return parse_transport(self.transport)

    def validate(self) -> PrinterSetup:
        """``self`` when every field is one the printer can follow; else the first wrong field."""
        self.transport_spec()
        if self.columns not in COLUMNS:
            raise _refuse("columns", f"paper: {COLUMNS} columns", self.columns)
        if self.drawer_pin not in (2, 5):
            raise _refuse("drawer_pin", "drawer: pin 2 or 5", self.drawer_pin)
        low, high = PULSE_RANGE
        if not low <= self.drawer_pulse_ms <= high:
            raise _refuse("drawer_pulse_ms", f"drawer pulse: {low}–{high} ms", self.drawer_pulse_ms)
        url = self.qr_url.strip()
        if url:
            parts = urlsplit(url)
            if (
                parts.scheme not in ("http", "https")
                or not parts.hostname
                or len(url) > MAX_URL
                or not url.isascii()
                or any(c.isspace() for c in url)
            ):
                raise _refuse("qr_url", "QR address: https://… (ASCII, at most 200 characters)", url)
        if self.logo_png:
            from posapp.devices.graphics import load_logo  # Pillow only when there is a logo

            logo = load_logo(self.logo_png)
            if logo.width > self.width_dots:
                raise _refuse("logo", "logo wider than the paper: choose it again", logo.width)
        return self

    def to_json(self) -> dict[str, Any]:
        """The stored form (the logo as base64; the transport lives in its own setting)."""
        import base64

        values = asdict(self)
        values.pop("transport")
        values["logo_png"] = base64.b64encode(self.logo_png).decode("ascii")
        return values

    @classmethod
    def from_json(cls, transport: str, values: dict[str, Any] | None) -> PrinterSetup:
        """Read back what ``to_json`` stored; unknown keys are ignored, missing ones get defaults."""
        import base64

        known = {f.name for f in fields(cls)} - {"transport"}
        kept = {k: v for k, v in (values or {}).items() if k in known}
        if "logo_png" in kept:
            kept["logo_png"] = base64.b64decode(kept["logo_png"] or "")
        if "cut" in kept:
            kept["cut"] = CutMode(kept["cut"])
        return cls(transport=transport, **kept)


@dataclass(frozen=True, slots=True)
class DisplaySetup:
    """The customer-facing display: a window on a second screen, and/or a 2×20 line display."""

    window: bool = False
    screen: int = 1
    """Index in the system's screen list (0 is the cashier's)."""
    line: str = ""
    """Transport spec of a pole display (same forms as the printer's); "" = none."""
    line_kanji: bool = True
    """Japanese models show Kanji (cp932, ``FS &``); others get half-width katakana."""
    message: str = "いらっしゃいませ"

    def validate(self) -> DisplaySetup:
        """``self``, or the first field a display could not follow."""
        if not 0 <= self.screen <= 8:
            raise _refuse("screen", "screen: 0–8", self.screen)
        if self.line:
            try:
                parse_transport(self.line)
            except InvalidDeviceSetting as error:
                raise _refuse("line", f"line display: {error.detail}", self.line) from error
        if len(self.message) > 40 or any(ord(c) < 32 for c in self.message):
            raise _refuse("message", "message: one line of at most 40 characters", self.message)
        return self

    def to_json(self) -> dict[str, Any]:
        """The stored form."""
        return asdict(self)

    @classmethod
    def from_json(cls, values: dict[str, Any] | None) -> DisplaySetup:
        """Read back what ``to_json`` stored."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in (values or {}).items() if k in known})
