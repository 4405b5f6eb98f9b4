"""Terminal and server joined over real HTTP: the catalog comes down, sales go up exactly once."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select, update

from posapp.services import Approval
from posapp.store.models import OutboxEvent
from tests.services.conftest import MANAGER, MEMBER_NO, PRODUCTS
from tests.sync.conftest import LiveServer, PairedTerminal, pair_terminal, points_consistent, server_sales

JANS = [jan for jan, *_ in PRODUCTS]


def test_catalog_clerks_and_customers_come_down(server: LiveServer, tmp_path: Path) -> None:
    paired = pair_terminal(server, tmp_path / "t1")
    terminal = paired.terminal
    assert terminal.settings.store_name == "渋谷店"
    assert terminal.search_products("おにぎり")[0].price == 138
    assert terminal.customer(MEMBER_NO).points_balance == 1240
    assert terminal.status().online


def test_sales_reach_the_server_once_even_when_resent(server: LiveServer, tmp_path: Path) -> None:
    paired = pair_terminal(server, tmp_path / "t1")
    first = paired.sell(*JANS)
    second = paired.sell(JANS[0], JANS[3], member_no=MEMBER_NO, points=300)
    assert paired.terminal.status().pending_events == 2
    result = paired.agent.sync_once()
    assert (result.pushed, result.rejected) == (2, 0)
    assert server_sales(server) == {first: 1775, second: 138 + 398 - 300}
    # The reply was "lost": the terminal sends everything again. Nothing doubles.
    with paired.terminal.db.write() as session:
        session.execute(update(OutboxEvent).values(status="pending"))
    assert paired.agent.sync_once().pushed == 2
    assert len(server_sales(server)) == 2
    points_consistent(server)
    # Earned 2 points (236 paid), used 300: the balance comes back down the feed.
    assert paired.terminal.customer(MEMBER_NO).points_balance == 1240 - 300 + 2
    assert paired.terminal.status().pending_events == 0


def test_a_bad_event_is_dead_lettered_and_does_not_block(server: LiveServer, tmp_path: Path) -> None:
    paired = pair_terminal(server, tmp_path / "t1")
    paired.sell(JANS[0])
    with paired.terminal.db.write() as session:
        event = session.scalar(select(OutboxEvent))
        assert event is not None
        event.payload = {**event.payload, "total": event.payload["total"] + 1}  # no longer adds up
    good = paired.sell(JANS[1])
    result = paired.agent.sync_once()
    assert (result.pushed, result.rejected) == (1, 1)
    assert list(server_sales(server)) == [good]
    status = paired.terminal.status()
    assert (status.pending_events, status.dead_letters) == (0, 1)
    letters = server.call("GET", "/v1/sync/dead-letters")
    assert letters[0]["reason"] == "rejected" and "add up" in letters[0]["detail"]


def _sent_within(paired: PairedTerminal, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while paired.terminal.status().pending_events:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_every_fact_wakes_the_agent(server: LiveServer, tmp_path: Path) -> None:
    """Sale, void, return, cash, member, contact, stock and Z each go up within seconds, though the agent's
    own round is an hour away: every use case wakes it once its fact is committed."""
    paired = pair_terminal(server, tmp_path / "t1")
    terminal = paired.terminal
    paired.agent.interval = 3600.0
    paired.agent.start()
    try:

        def approval() -> Approval:
            return terminal.approve(code=MANAGER[0], pin=MANAGER[1], action="test")

        first, second = paired.sell(JANS[0]), paired.sell(JANS[0], JANS[1])  # a sale wakes it (it always did)
        assert _sent_within(paired, 10), "the sales"
        facts: list[tuple[str, Callable[[], object]]] = [
            ("void", lambda: terminal.void_sale(receipt_no=first, approval=approval())),
            (
                "return",
                lambda: terminal.return_items(receipt_no=second, quantities={1: 1}, approval=approval()),
            ),
            ("cash", lambda: terminal.cash_in(amount=5000, reason="float")),
            ("member", lambda: terminal.register_member(name="山田 花子", phone="0312345678")),
            (
                "contact",
                lambda: terminal.record_contact(member_no=MEMBER_NO, kind="inquiry", subject="営業時間"),
            ),
            ("stock", lambda: terminal.receive_stock(sku=PRODUCTS[0][1], quantity=12, approval=approval())),
            ("Z", lambda: terminal.z_report(counts={1000: 5}, next_float=5000, approval=approval())),
        ]
        for name, record in facts:
            record()
            assert _sent_within(paired, 10), name
        assert terminal.status().dead_letters == 0
    finally:
        paired.agent.stop()
