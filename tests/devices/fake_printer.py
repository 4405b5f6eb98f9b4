"""A fake receipt printer: a real TCP server that answers ``DLE EOT`` as a printer would and keeps every byte.

Tests set its state (cover open, paper near end, out, an error) or stop it to make it "offline";
each connection's bytes are kept as one job, in order.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from posapp.devices.status import STATUS_QUERY

READY = 0x12
"""Every real-time status byte has bits 1 and 4 set."""


class FakePrinter:
    """Listens on 127.0.0.1 (or ``host``); answers ``DLE EOT 1–4`` from its current state."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.server = socket.create_server((host, port))
        self.host = host
        self.port = self.server.getsockname()[1]
        self.jobs: list[bytes] = []
        self.lock = threading.Lock()
        self.arrived = threading.Condition(self.lock)
        self.cover_open = False
        self.paper_near_end = False
        self.paper_out = False
        self.error = False
        self.answer_status = True
        self._open = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def spec(self) -> str:
        """The transport spec that reaches this printer."""
        return f"tcp://{self.host}:{self.port}"

    def status_byte(self, n: int) -> int:
        """The answer to ``DLE EOT n`` in the current state."""
        if n == 2:
            return (
                READY
                | (0x04 if self.cover_open else 0)
                | (0x20 if self.paper_out else 0)
                | (0x40 if self.error else 0)
            )
        if n == 4:
            return (
                READY
                | (0x0C if self.paper_near_end or self.paper_out else 0)
                | (0x60 if self.paper_out else 0)
            )
        return READY

    def _serve(self) -> None:
        while self._open:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        received = bytearray()
        answered = 0
        with conn:
            conn.settimeout(5)
            try:
                while chunk := conn.recv(65536):
                    received += chunk
                    # Real printers answer DLE EOT as soon as it arrives, wherever it is in the stream.
                    while (found := received.find(b"\x10\x04", answered)) >= 0 and found + 2 < len(received):
                        n = received[found + 2]
                        if self.answer_status and n in (1, 2, 3, 4):
                            conn.sendall(bytes([self.status_byte(n)]))
                        answered = found + 3
            except OSError:
                pass
        with self.arrived:
            self.jobs.append(bytes(received))
            self.arrived.notify_all()

    def print_jobs(self) -> list[bytes]:
        """Jobs other than a bare status query."""
        with self.lock:
            return [job for job in self.jobs if job and job != STATUS_QUERY]

    def wait_for_jobs(self, count: int, timeout: float = 5.0) -> list[bytes]:
        """Block until ``count`` print jobs have arrived; returns them."""
        with self.arrived:
            self.arrived.wait_for(
                lambda: len([j for j in self.jobs if j and j != STATUS_QUERY]) >= count, timeout
            )
        return self.print_jobs()

    def close(self) -> None:
        """Stop listening: from now on the printer is "offline"."""
        self._open = False
        with contextlib.suppress(OSError):  # shutdown wakes the blocked accept(); close() alone does not
            self.server.shutdown(socket.SHUT_RDWR)
        self.server.close()
        self.thread.join(2)


@contextmanager
def fake_printer(host: str = "127.0.0.1") -> Iterator[FakePrinter]:
    """A fake printer for the length of a ``with`` block."""
    printer = FakePrinter(host)
    try:
        yield printer
    finally:
        printer.close()
