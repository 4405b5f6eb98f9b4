"""Kill -9 a selling terminal at random moments: every sale it called complete survives, whole, once."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from posapp.services import Terminal
from posapp.store.models import OutboxEvent, PaymentRow, Sale, SaleLine
from tests.services.conftest import seed

KILLS = 50
MIN_SALES = 500
ROOT = Path(__file__).resolve().parents[2]


def run_child_until_killed(data_dir: Path, rng: random.Random, reported: list[str]) -> None:
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.services.crash_child", str(data_dir)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready"
    deadline = time.monotonic() + rng.uniform(0.05, 0.6)
    os.set_blocking(child.stdout.fileno(), False)
    while time.monotonic() < deadline:
        time.sleep(0.005)
    child.send_signal(signal.SIGKILL)
    child.wait()
    os.set_blocking(child.stdout.fileno(), True)
    # Only complete lines count: a number cut off mid-print was never reported.
    for line in child.stdout.read().splitlines(keepends=True):
        if line.endswith("\n") and line.startswith("S001-"):
            reported.append(line.strip())


@pytest.mark.slow
def test_sales_survive_sigkill(tmp_path: Path) -> None:
    data_dir = tmp_path / "terminal"
    terminal = Terminal.open(data_dir)
    seed(terminal)
    terminal.close()
    rng = random.Random(20261122)
    reported: list[str] = []
    kills = 0
    while kills < KILLS or len(reported) < MIN_SALES:
        run_child_until_killed(data_dir, rng, reported)
        kills += 1
        assert kills < 400, "the child makes too few sales to reach the target"

    terminal = Terminal.open(data_dir)
    with terminal.db.read() as session:
        stored = dict(session.execute(select(Sale.receipt_no, Sale.receipt_seq)).all())
        assert set(reported) <= set(stored), "a sale reported complete is missing"
        assert sorted(stored.values()) == list(range(1, len(stored) + 1)), "receipt numbers have a gap"
        for sale in session.scalars(select(Sale)):
            lines = session.scalar(
                select(func.count()).select_from(SaleLine).where(SaleLine.sale_id == sale.id)
            )
            paid = session.scalar(select(func.sum(PaymentRow.amount)).where(PaymentRow.sale_id == sale.id))
            assert lines and lines >= 1, f"{sale.receipt_no} has no lines"
            assert paid == sale.total + sale.change, f"{sale.receipt_no} is only partly stored"
        events = list(
            session.execute(select(OutboxEvent.seq, OutboxEvent.aggregate_id).order_by(OutboxEvent.seq))
        )
    assert [seq for seq, _ in events] == list(range(1, len(events) + 1))
    sale_ids = {sale_id for _, sale_id in events}
    assert len(events) == len(stored) and len(sale_ids) == len(stored), "outbox is not one event per sale"
    assert len(reported) >= MIN_SALES
    terminal.close()
