"""The agent reads ahead while a push is in flight, yet sends exactly what a one-batch-at-a-time agent would."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from posapp.store import Database
from posapp.store.db import open_database
from posapp.store.models import OutboxEvent
from sync.client import agent as agent_module
from sync.client.agent import SyncAgent
from sync.client.http import OutgoingPush
from sync.protocol.messages import EventResult, EventStatus, PushReply, PushRequest

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def event_id(seq: int) -> str:
    return f"01a23ad0-637e-7e83-8ad3-{seq:012d}"


def add_events(db: Database, *seqs: int) -> None:
    with db.write() as session:
        for seq in seqs:
            session.add(
                OutboxEvent(
                    seq=seq,
                    id=event_id(seq),
                    kind="cash.moved",
                    aggregate_id=f"m-{seq}",
                    payload={"n": seq},
                    created_at=NOW,
                )
            )


class ScriptedServer:
    """Answers each push as told; records what each request carried (decoded from the body sent)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.requests: list[list[int]] = []
        self.retry_once: set[int] = set()
        self.answer_none_at: int | None = None
        self.sell_during: dict[
            int, int
        ] = {}  # request number → seq of a sale completed while it is in flight

    def report_pending(self, count: int) -> None:
        pass

    def send(self, push: OutgoingPush) -> PushReply:
        request = PushRequest.model_validate_json(gzip.decompress(push.body))
        seqs = [event.seq for event in request.events]
        assert seqs == [event.seq for event in push.events]
        self.requests.append(seqs)
        if (sold := self.sell_during.get(len(self.requests))) is not None:
            add_events(self.db, sold)
        if len(self.requests) == self.answer_none_at:
            return PushReply(results=[], server_time=NOW)
        results = []
        for event in request.events:
            retry = event.seq in self.retry_once
            self.retry_once.discard(event.seq)
            status = EventStatus.RETRY if retry else EventStatus.APPLIED
            results.append(EventResult(id=event.id, status=status))
        return PushReply(results=results, server_time=NOW)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "terminal.db")
    yield database
    database.close()


def pending(db: Database) -> list[int]:
    rows = db.lookups().execute("SELECT seq FROM outbox WHERE status = 'pending' ORDER BY seq").fetchall()
    return [seq for (seq,) in rows]


def test_a_retried_event_goes_first_in_the_next_push_and_a_sale_made_meanwhile_follows_in_order(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(agent_module, "PUSH_BATCH", 3)
    add_events(db, *range(1, 8))
    server = ScriptedServer(db)
    server.retry_once = {2}
    server.sell_during = {1: 8}
    agent = SyncAgent(db, server, store_code="S001", terminal_code="01")  # type: ignore[arg-type]

    assert agent.push_all() == (8, 0)

    # What an agent reading the outbox after each reply sends: the retried event first, then on.
    assert server.requests == [[1, 2, 3], [2, 4, 5], [6, 7, 8]]
    assert pending(db) == []
    stored = db.lookups().execute("SELECT payload FROM outbox WHERE seq = 8").fetchone()[0]
    assert json.loads(stored) == {"n": 8}


def test_a_push_the_server_answers_for_none_ends_the_round_with_the_events_still_pending(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(agent_module, "PUSH_BATCH", 3)
    add_events(db, *range(1, 8))
    server = ScriptedServer(db)
    server.answer_none_at = 2
    agent = SyncAgent(db, server, store_code="S001", terminal_code="01")  # type: ignore[arg-type]

    assert agent.push_all() == (3, 0)

    assert server.requests == [[1, 2, 3], [4, 5, 6]]  # the read-ahead of 7 is never sent
    assert pending(db) == [4, 5, 6, 7]
