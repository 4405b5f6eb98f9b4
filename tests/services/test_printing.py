"""Receipts go to a real socket after the sale; a dead printer never undoes a sale and a reprint works."""

from __future__ import annotations

import socket
import threading

import pytest
from sqlalchemy import select

from posapp.domain.tender import TenderKind
from posapp.services import Terminal
from posapp.services.printing import InvalidPrinterSetting, print_receipt, transport_for
from posapp.store.models import PrintFailure, Sale

FS_KANJI_ON, DRAWER_KICK = b"\x1c\x26", b"\x1bp"


class Spool:
    """A one-connection printer on loopback that keeps what it receives."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.received = bytearray()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        connection, _ = self.server.accept()
        with connection:
            while chunk := connection.recv(65536):
                self.received += chunk

    def close(self) -> bytes:
        self.thread.join(5)
        self.server.close()
        return bytes(self.received)


def sell_cash(terminal: Terminal) -> tuple[str, object]:
    sale = terminal.start_sale()
    sale.scan("4901234567894")
    sale.add_tender(TenderKind.CASH, 1000)
    done = sale.complete()
    return done.receipt_no, done.receipt


def test_a_cash_sale_prints_and_opens_the_drawer(signed_in: Terminal) -> None:
    spool = Spool()
    signed_in.configure(printer=f"tcp://127.0.0.1:{spool.port}")
    receipt_no, receipt = sell_cash(signed_in)
    result = print_receipt(signed_in.counter, receipt)  # type: ignore[arg-type]
    data = spool.close()
    assert result is not None and result.ok and result.sent == len(data)
    assert FS_KANJI_ON in data and DRAWER_KICK in data
    assert receipt_no.encode() in data


def test_a_dead_printer_keeps_the_sale_and_allows_a_reprint(signed_in: Terminal) -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        dead_port = probe.getsockname()[1]  # closed again when the block ends
    signed_in.configure(printer=f"tcp://127.0.0.1:{dead_port}")
    receipt_no, receipt = sell_cash(signed_in)
    result = print_receipt(signed_in.counter, receipt)  # type: ignore[arg-type]
    assert result is not None and not result.ok and result.message_key == "error.printer.offline"
    with signed_in.db.read() as session:
        assert session.scalar(select(Sale.receipt_no)) == receipt_no
        failure = session.scalar(select(PrintFailure))
        assert failure is not None and failure.receipt_no == receipt_no
    assert [item.kind for item in signed_in.attention_items()] == ["print_failure"]
    spool = Spool()
    signed_in.configure(printer=f"tcp://127.0.0.1:{spool.port}")
    reprint = signed_in.receipt(receipt_no)
    assert print_receipt(signed_in.counter, reprint).ok  # type: ignore[union-attr]
    data = spool.close()
    assert "再発行".encode("cp932") in data and DRAWER_KICK not in data


def test_no_printer_means_preview_only(signed_in: Terminal) -> None:
    _, receipt = sell_cash(signed_in)
    assert print_receipt(signed_in.counter, receipt) is None  # type: ignore[arg-type]


@pytest.mark.parametrize("spec", ["lpt1", "tcp://", "usb:zz:01", "http://printer"])
def test_bad_printer_settings_are_refused(spec: str) -> None:
    with pytest.raises(InvalidPrinterSetting):
        transport_for(spec)
