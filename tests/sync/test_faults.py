"""Terminals selling through random fault schedules: afterwards the server holds each sale exactly once."""

from __future__ import annotations

import contextlib
import os
import random
import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from posapp.domain.tender import TenderKind
from posapp.services.omni import PointsHeldElsewhere
from posapp.store.models import Sale
from sync.client.http import ServerUnavailable
from tests.services.conftest import MEMBER_NO, PRODUCTS
from tests.sync.conftest import LiveServer, PairedTerminal, pair_terminal, points_consistent, server_sales
from tests.sync.faults import Fault, FaultyClient

JANS = [jan for jan, *_ in PRODUCTS]


def completed_sales(paired: PairedTerminal) -> dict[str, int]:
    with paired.terminal.db.read() as session:
        return dict(session.execute(select(Sale.receipt_no, Sale.total).where(Sale.kind == "sale")).all())


def sell_randomly(paired: PairedTerminal, rng: random.Random) -> None:
    terminal = paired.terminal
    sale = terminal.start_sale()
    for _ in range(rng.randint(1, 4)):
        sale.scan(rng.choice(JANS))
    if rng.random() < 0.2:
        sale.attach_customer(MEMBER_NO)
        available = terminal.customer(MEMBER_NO).available_points
        if available > 50 and rng.random() < 0.5:
            wanted = min(rng.randint(1, 50), sale.totals.amount_due)
            due = sale.totals.amount_due
            try:
                sale.use_points(wanted)
            except PointsHeldElsewhere:
                # Another register spent them first (its sale is already on the server): the cashier
                # is told and the customer pays without points; the refusal changed nothing.
                assert sale.totals.amount_due == due and sale.totals.points_discount == 0
    sale.add_tender(TenderKind.CASH, sale.totals.amount_due)
    done = sale.complete()
    if rng.random() < 0.05:
        manager = terminal.approve(code="9001", pin="9999", action="void")
        terminal.void_sale(receipt_no=done.receipt_no, approval=manager)


def settle(terminals: list[PairedTerminal]) -> None:
    """Faults off: every terminal syncs until nothing is pending (as the agent would, eventually)."""
    for paired in terminals:
        assert isinstance(paired.agent.client, FaultyClient)
        paired.agent.client.enabled = False
        for _ in range(5):
            paired.agent.sync_once()
            if paired.terminal.status().pending_events == 0:
                break
        assert paired.terminal.status().pending_events == 0
        assert paired.terminal.status().dead_letters == 0


def run_schedule(server: LiveServer, tmp_path: Path, *, terminals: int, sales_each: int, seed: int) -> None:
    rng = random.Random(seed)
    fleet = [
        pair_terminal(
            server,
            tmp_path / f"t{n}",
            store="S001" if n < 3 else "S002",
            terminal_code=f"{n + 1:02d}",
            client=FaultyClient,
            seed=seed + n,
            fault_rate=0.5,
        )
        for n in range(terminals)
    ]
    sold = dict.fromkeys(range(terminals), 0)
    while min(sold.values()) < sales_each:
        n = rng.choice([k for k, v in sold.items() if v < sales_each])
        paired = fleet[n]
        burst = min(rng.randint(1, 40), sales_each - sold[n])
        for _ in range(burst):
            sell_randomly(paired, rng)
        sold[n] += burst
        paired.clock.advance(seconds=rng.randint(1, 600))
        # On failure the agent would back off and retry; the sale is safe in the outbox meanwhile.
        with contextlib.suppress(ServerUnavailable):
            paired.agent.sync_once()
    settle(fleet)
    expected: dict[str, int] = {}
    for paired in fleet:
        expected.update(completed_sales(paired))
    held = server_sales(server)
    assert held == expected, "the server must hold exactly the terminals' completed sales, each once"
    assert sum(held.values()) == sum(expected.values())
    points_consistent(server)
    injected = {fault for paired in fleet for fault in paired.agent.client.seen}  # type: ignore[attr-defined]
    assert injected >= set(Fault) - {Fault.NONE}, f"the schedule must exercise every fault, saw {injected}"


@pytest.mark.slow
def test_random_fault_schedules(server: LiveServer, tmp_path: Path) -> None:
    # 5 terminals × 1,000 sales on PostgreSQL (CI); fewer on SQLite, which shares the same code path.
    on_pg = server.database_url.startswith("postgresql")
    sales_each = int(os.environ.get("POSAPP_FAULT_SALES", "1000" if on_pg else "150"))
    run_schedule(server, tmp_path, terminals=5, sales_each=sales_each, seed=20261122)


def test_two_agents_for_one_terminal_never_double(server: LiveServer, tmp_path: Path) -> None:
    paired = pair_terminal(server, tmp_path / "t1")
    rng = random.Random(7)
    for _ in range(60):
        sell_randomly(paired, rng)
    from sync.client.agent import SyncAgent

    twin = SyncAgent(paired.terminal.db, paired.agent.client, store_code="S001", terminal_code="01")
    errors: list[BaseException] = []

    def run(agent: SyncAgent) -> None:
        try:
            agent.sync_once()
        except BaseException as error:  # noqa: BLE001 - the main thread reports whatever the agent thread raised
            errors.append(error)

    threads = [threading.Thread(target=run, args=(agent,)) for agent in (paired.agent, twin)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert server_sales(server) == completed_sales(paired)


def test_terminal_clock_an_hour_off(server: LiveServer, tmp_path: Path) -> None:
    paired = pair_terminal(server, tmp_path / "t1")
    paired.clock.advance(hours=-1)
    first = paired.sell(JANS[0])
    paired.clock.advance(hours=2)
    second = paired.sell(JANS[1])
    paired.agent.sync_once()
    assert set(server_sales(server)) == {first, second}


def test_server_killed_mid_batch(server: LiveServer, tmp_path: Path) -> None:
    paired = pair_terminal(server, tmp_path / "t1")
    rng = random.Random(3)
    for _ in range(400):
        sell_randomly(paired, rng)

    def push_until_the_server_dies() -> None:
        with contextlib.suppress(ServerUnavailable):
            paired.agent.sync_once()

    pusher = threading.Thread(target=push_until_the_server_dies)
    pusher.start()
    server.stop(kill=True)
    pusher.join()
    server.start()
    for _ in range(3):
        paired.agent.sync_once()
    assert server_sales(server) == completed_sales(paired)
    points_consistent(server)
