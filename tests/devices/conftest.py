"""Fixtures for the receipt and printer tests: the worked example of domain-jp.md §2."""

from __future__ import annotations

import pytest

from posapp.domain.receipt import ReceiptDocument
from scripts.render_receipts import sample_z_report, worked_return, worked_sale


@pytest.fixture
def sale() -> ReceiptDocument:
    """The ¥2,051 sale, cash ¥3,000, change ¥949, with points."""
    return worked_sale()


@pytest.fixture
def sale_without_points() -> ReceiptDocument:
    """The worked sale exactly as printed in the domain document."""
    return worked_sale(points=False)


@pytest.fixture
def refund() -> ReceiptDocument:
    """Three onigiri returned."""
    return worked_return()


@pytest.fixture
def z_report() -> ReceiptDocument:
    """A Z report with a drawer ¥200 short."""
    return sample_z_report()
