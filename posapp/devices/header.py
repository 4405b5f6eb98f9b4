"""The top of every slip: the store, its registration number, when, where and who."""

from __future__ import annotations

from posapp.devices.labels import format_datetime, labels
from posapp.devices.page import Page
from posapp.domain.receipt import ReceiptDocument


def store_block(page: Page, doc: ReceiptDocument, language: str) -> None:
    """Store name, address, registration number and the store's header messages, centred."""
    t = labels(language)
    head = doc.header
    page.center(head.store_name, bold=True, double_height=True)
    for extra in (head.address, head.phone):
        if extra:
            page.center(extra)
    page.center(f"{t['registration']} {head.registration_number}")
    for message in doc.header_messages:
        page.center(message)


def when_block(page: Page, doc: ReceiptDocument, language: str) -> None:
    """Date with weekday, terminal, clerk and receipt number."""
    t = labels(language)
    head = doc.header
    page.pair(format_datetime(head.issued_at, language), f"{t['terminal']}{head.terminal_code}")
    page.pair(f"{t['clerk']} {head.clerk_name}", f"{t['receipt_no']}{head.receipt_no}")
