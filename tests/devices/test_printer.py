"""Printing over a real loopback socket, to a file, and what happens when the printer is not there."""

from __future__ import annotations

import dataclasses
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from posapp.devices.escpos import drawer_kick_bytes
from posapp.devices.printer import (
    FileTransport,
    NetworkTransport,
    PrinterError,
    PrinterErrorKind,
    ReceiptPrinter,
    status_from_replies,
)
from posapp.domain.receipt import ReceiptDocument
from tests.devices.escpos_decode import decode


class FakePrinter:
    """A listening socket that records each connection's bytes, answering DLE EOT if told to."""

    def __init__(self, status_reply: bytes = b"") -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.jobs: list[bytes] = []
        self.status_reply = status_reply
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                chunks = []
                if self.status_reply:
                    conn.recv(6)
                    conn.sendall(self.status_reply)
                while chunk := conn.recv(65536):
                    chunks.append(chunk)
                self.jobs.append(b"".join(chunks))
                self.done.set()

    def close(self) -> None:
        self.server.close()


@pytest.fixture
def fake_printer() -> Iterator[FakePrinter]:
    printer = FakePrinter()
    yield printer
    printer.close()


def closed_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as server:
        return int(server.getsockname()[1])


def test_prints_exact_bytes_over_tcp(fake_printer: FakePrinter, sale: ReceiptDocument) -> None:
    printer = ReceiptPrinter(NetworkTransport("127.0.0.1", fake_printer.port, timeout=2))
    result = printer.print_receipt(sale)
    assert result.ok and result.message_key == "printer.ok"
    assert fake_printer.done.wait(5)
    expected = printer.encode(sale, open_drawer=True)  # cash tendered: the drawer opens
    assert fake_printer.jobs == [expected] and result.sent == len(expected)
    assert decode(fake_printer.jobs[0]).has(b"\x1bp")


def test_closed_port_is_offline_fast_and_reprint_works(
    fake_printer: FakePrinter, sale: ReceiptDocument
) -> None:
    down = ReceiptPrinter(NetworkTransport("127.0.0.1", closed_port(), timeout=2))
    started = time.monotonic()
    result = down.print_receipt(sale)  # must not raise: the sale is already complete
    assert not result.ok and result.error is PrinterErrorKind.OFFLINE
    assert result.message_key == "error.printer.offline"
    assert time.monotonic() - started < 2
    reprint = dataclasses.replace(sale, reprint=True)
    up = ReceiptPrinter(NetworkTransport("127.0.0.1", fake_printer.port, timeout=2))
    assert up.print_receipt(reprint).ok
    assert fake_printer.done.wait(5)
    job = decode(fake_printer.jobs[0])
    assert "[再発行]" in [line.strip() for line in job.lines]
    assert not job.has(b"\x1bp")  # a reprint does not open the drawer


def test_unreachable_host_times_out_without_raising(sale: ReceiptDocument) -> None:
    # 192.0.2.0/24 is TEST-NET-1: never routed, so the connect either times out or fails at once.
    result = ReceiptPrinter(NetworkTransport("192.0.2.1", 9100, timeout=0.2)).print_receipt(sale)
    assert not result.ok and result.error in (PrinterErrorKind.TIMEOUT, PrinterErrorKind.OFFLINE)


def test_status_query_reports_cover_open(sale: ReceiptDocument) -> None:
    fake = FakePrinter(status_reply=bytes([0x12 | 0x04, 0x12]))
    try:
        result = ReceiptPrinter(
            NetworkTransport("127.0.0.1", fake.port, timeout=2, query_status=True)
        ).print_receipt(sale)
    finally:
        fake.close()
    assert not result.ok and result.error is PrinterErrorKind.COVER_OPEN


def test_status_bits() -> None:
    assert status_from_replies(offline=0x12, paper=0x12) is None
    assert status_from_replies(offline=0x12, paper=0x12 | 0x60) is PrinterErrorKind.PAPER_OUT
    assert status_from_replies(offline=0x12 | 0x04, paper=0x12) is PrinterErrorKind.COVER_OPEN
    assert PrinterError(PrinterErrorKind.PAPER_OUT).message_key == "error.printer.paper_out"


def test_file_transport_appends(tmp_path: Path, sale: ReceiptDocument) -> None:
    spool = tmp_path / "printer.bin"
    printer = ReceiptPrinter(FileTransport(spool), width=32)
    assert printer.print_receipt(sale, open_drawer=False).ok
    assert printer.open_drawer().ok
    assert spool.read_bytes() == printer.encode(sale) + drawer_kick_bytes()
    missing = ReceiptPrinter(FileTransport(tmp_path / "no" / "such" / "dir"))
    assert missing.print_receipt(sale).error is PrinterErrorKind.OFFLINE


def test_a_layout_failure_is_a_result_too(tmp_path: Path, sale: ReceiptDocument) -> None:
    result = ReceiptPrinter(FileTransport(tmp_path / "x"), width=10).print_receipt(sale)
    assert not result.ok and result.error is PrinterErrorKind.UNKNOWN


def test_raster_printer(tmp_path: Path, sale: ReceiptDocument) -> None:
    spool = tmp_path / "raster.bin"
    assert ReceiptPrinter(FileTransport(spool), raster=True).print_receipt(sale).ok
    assert decode(spool.read_bytes()).raster
