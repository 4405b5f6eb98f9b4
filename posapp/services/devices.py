"""The counter's devices as the store set them up: load, validate and save (audited), test print, logo, scan.

The setup is kept in two settings rows: ``printer`` (the transport spec, as before) and ``devices``
(JSON: the rest of ``PrinterSetup`` and the ``DisplaySetup``). A typed model of its own, so it can
be folded into the terminal's settings model as one part. Every save names the manager who made it
in the audit log, with the fields that changed (the logo by fingerprint, never its bytes).
"""

from __future__ import annotations

import dataclasses
import ipaddress
import socket
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from posapp.devices.setup import DisplaySetup, InvalidDeviceSetting, PrinterSetup, TransportKind
from posapp.services.records import audit
from posapp.store.models import Setting

if TYPE_CHECKING:
    from posapp.devices.printer import PrintResult, ReceiptPrinter, Transport
    from posapp.devices.status import PrinterStatus
    from posapp.services.counter import Approval, Counter

DEVICES_KEY = "devices"
MAX_SCAN_HOSTS = 1024


@dataclass(frozen=True, slots=True)
class DeviceSetup:
    """The printer and the customer display of this counter."""

    printer: PrinterSetup = field(default_factory=PrinterSetup)
    display: DisplaySetup = field(default_factory=DisplaySetup)

    def validate(self) -> DeviceSetup:
        """``self`` when both parts are valid."""
        self.printer.validate()
        self.display.validate()
        return self


def load_setup(counter: Counter) -> DeviceSetup:
    """The stored setup; defaults for what was never set."""
    with counter.db.read() as session:
        row = session.get(Setting, DEVICES_KEY)
        spec = session.get(Setting, "printer")
    values: dict[str, Any] = row.value if row is not None and isinstance(row.value, dict) else {}
    return DeviceSetup(
        printer=PrinterSetup.from_json(str(spec.value) if spec is not None else "", values.get("printer")),
        display=DisplaySetup.from_json(values.get("display")),
    )


def _changes(old: DeviceSetup, new: DeviceSetup) -> dict[str, Any]:
    """Changed fields as ``{"printer.columns": [42, 32]}``; the logo as fingerprints."""
    from posapp.devices.graphics import logo_fingerprint

    changed: dict[str, Any] = {}
    for part in ("printer", "display"):
        before, after = getattr(old, part), getattr(new, part)
        for item in dataclasses.fields(before):
            a, b = getattr(before, item.name), getattr(after, item.name)
            if a != b:
                if isinstance(a, bytes):
                    a, b = (logo_fingerprint(x) if x else "" for x in (a, b))
                changed[f"{part}.{item.name}"] = [a, b]
    return changed


def save_setup(counter: Counter, setup: DeviceSetup, *, approval: Approval | None) -> DeviceSetup:
    """Validate and store ``setup``; audited with the manager's code and the changed fields."""
    setup.validate()
    old = load_setup(counter)
    changes = _changes(old, setup)
    with counter.db.write() as session:
        values = {"printer": setup.printer.to_json(), "display": setup.display.to_json()}
        for key, value in ((DEVICES_KEY, values), ("printer", setup.printer.transport)):
            row = session.get(Setting, key)
            if row is None:
                session.add(Setting(key=key, value=value))
            else:
                row.value = value
        if changes:
            audit(
                session,
                now=counter.now(),
                clerk_code=counter.clerk.code if counter.clerk else None,
                action="device_setup",
                approved_by=approval.manager_code if approval else None,
                changes=changes,
            )
    counter.reload_settings()
    return setup


def open_printer_transport(setup: PrinterSetup, *, timeout: float = 5.0) -> Transport | None:
    """The transport of ``setup``, or ``None`` when no printer is set (preview only)."""
    from posapp.devices.printer import open_transport

    spec = setup.transport_spec()
    if spec.kind is TransportKind.NONE:
        return None
    return open_transport(spec, query_status=setup.watch_status, timeout=timeout)


def printer_for(setup: PrinterSetup, language: str) -> ReceiptPrinter | None:
    """A printer following ``setup``; ``None`` for preview only."""
    from posapp.devices.printer import ReceiptPrinter

    transport = open_printer_transport(setup)
    return None if transport is None else ReceiptPrinter(transport, setup=setup, language=language)


def _no_printer() -> PrintResult:
    from posapp.devices.printer import PrinterErrorKind, PrintResult

    return PrintResult(False, PrinterErrorKind.OFFLINE, "no printer is set")


def print_test_page(
    counter: Counter, setup: PrinterSetup, *, open_drawer: bool = False
) -> tuple[PrintResult, PrinterStatus]:
    """Print the test page with ``setup`` as it stands in the dialog (saved or not); never raises.

    The printer is asked how it is first (whether or not the store watches it), so the answer can
    say "the cover is open" rather than only "not printed".
    """
    from posapp.devices.testpage import render_test_page

    setup.validate()
    status = poll_status(setup, timeout=counter.settings.printer_status_timeout_seconds)
    printer = printer_for(dataclasses.replace(setup, watch_status=False), counter.settings.language)
    if printer is None:
        return _no_printer(), status
    if status.state.is_problem:
        from posapp.devices.printer import PrintResult, blocking_problem

        return PrintResult(False, blocking_problem(status), status.detail), status
    lines = render_test_page(
        setup,
        store_name=counter.settings.store_name,
        when=counter.now(),
        language=counter.settings.language,
    )
    return printer.send(printer.encode_lines(lines, open_drawer=open_drawer)), status


def store_logo(setup: PrinterSetup) -> tuple[PrintResult, PrinterSetup]:
    """Write the logo into the printer's memory (``GS ( L``); on success the setup records it."""
    from posapp.devices import graphics

    printer = printer_for(setup, "ja")
    if printer is None or not setup.logo_png:
        return _no_printer(), setup
    result = printer.send(graphics.logo_store_bytes(graphics.load_logo(setup.logo_png)))
    if result.ok:
        setup = dataclasses.replace(setup, logo_in_printer=graphics.logo_fingerprint(setup.logo_png))
    return result, setup


def poll_status(setup: PrinterSetup, *, timeout: float) -> PrinterStatus:
    """Ask the printer of ``setup`` how it is (``DLE EOT``); never raises."""
    from posapp.devices.status import PrinterState, PrinterStatus

    try:
        transport = open_printer_transport(setup, timeout=timeout)
    except InvalidDeviceSetting as error:
        return PrinterStatus(PrinterState.UNKNOWN, error.detail)
    if transport is None:
        return PrinterStatus(PrinterState.UNKNOWN, "no printer")
    return transport.read_status()


def local_subnet() -> str:
    """This machine's IPv4 /24 (the usual shop router's), found without sending a packet."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET: a route is looked up, nothing is sent
            address = probe.getsockname()[0]
        except OSError:
            address = "192.168.1.1"
    return str(ipaddress.ip_network(f"{address}/24", strict=False))


def scan_subnet(subnet: str, *, port: int = 9100, timeout: float = 0.4) -> list[str]:
    """Hosts of ``subnet`` that accept a connection on ``port`` (printers' raw port), in address order."""
    try:
        network = ipaddress.ip_network(subnet.strip(), strict=False)
    except ValueError as error:
        raise InvalidDeviceSetting(
            "subnet: such as 192.168.1.0/24", field_name="subnet", value=subnet
        ) from error
    if network.version != 4 or network.num_addresses > MAX_SCAN_HOSTS:
        raise InvalidDeviceSetting("subnet: IPv4, /22 or smaller", field_name="subnet", value=subnet)
    hosts = [str(host) for host in (network.hosts() if network.num_addresses > 2 else network)]

    def answers(host: str) -> bool:
        try:
            with socket.create_connection((host, port), timeout=timeout):
                return True
        except OSError:
            return False

    with ThreadPoolExecutor(max_workers=64, thread_name_prefix="posapp-scan") as pool:
        found = list(pool.map(answers, hosts))
    return [host for host, ok in zip(hosts, found, strict=True) if ok]
