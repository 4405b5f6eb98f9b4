"""The agent's reads and writes on the terminal database: pending events, replies, pulled pages, status."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Table, bindparam, func, select, update

from posapp.store import Database, catalog_load
from posapp.store.cache import CacheChange, apply_changes, cursor_state
from posapp.store.models import OutboxEvent
from sync.protocol.catalog import PullPage
from sync.protocol.events import Event, EventKind
from sync.protocol.messages import EventStatus, PushReply, StoredEvent

_OUTBOX = cast(Table, OutboxEvent.__table__)


def pending_events(db: Database, *, store_code: str, terminal_code: str, limit: int) -> list[Event]:
    """The oldest events not yet acknowledged, as envelopes."""
    with db.read() as session:
        rows = session.scalars(
            select(OutboxEvent).where(OutboxEvent.status == "pending").order_by(OutboxEvent.seq).limit(limit)
        )
        return [
            Event(
                id=row.id,
                seq=row.seq,
                kind=EventKind(row.kind),
                terminal_code=terminal_code,
                store_code=store_code,
                created_at=row.created_at,
                payload=row.payload,
            )
            for row in rows
        ]


def pending_stored(db: Database, *, after_seq: int, limit: int) -> tuple[int, list[StoredEvent]]:
    """How many events wait, and the oldest ``limit`` of them after ``after_seq``, payloads as stored.

    Plain SQL on the driver's connection: the agent reads the next batch while the server stores
    the one before, and an ORM row plus a parsed and re-validated payload per event cost forty
    times what SQLite takes to hand the rows over.
    """
    with db.read() as session:
        connection = session.connection()
        waiting = connection.exec_driver_sql("SELECT count(*) FROM outbox WHERE status = 'pending'").scalar()
        rows = connection.exec_driver_sql(
            "SELECT id, seq, kind, created_at, payload FROM outbox WHERE status = 'pending' AND seq > ? "
            "ORDER BY seq LIMIT ?",
            (after_seq, limit),
        ).all()
    return int(waiting or 0), [
        StoredEvent(id=id_, seq=seq, kind=kind, created_at=datetime.fromisoformat(at), payload_json=payload)
        for id_, seq, kind, at, payload in rows
    ]


def pending_count(db: Database) -> int:
    """How many events wait in the outbox."""
    with db.read() as session:
        return int(
            session.scalar(
                select(func.count()).select_from(OutboxEvent).where(OutboxEvent.status == "pending")
            )
            or 0
        )


def record_push_reply(db: Database, reply: PushReply, *, now: datetime) -> tuple[int, int]:
    """Mark events sent (applied or duplicate) or dead (rejected, conflict) from the server's reply.

    Only what the reply names changes: an event the reply does not mention stays pending.
    """
    sent = [r.id for r in reply.results if r.status in (EventStatus.APPLIED, EventStatus.DUPLICATE)]
    dead = {
        r.id: f"{r.status.value}: {r.detail}"[:500]
        for r in reply.results
        if r.status in (EventStatus.REJECTED, EventStatus.CONFLICT)
    }
    with db.write() as session:
        # One prepared statement run per id (executemany): a thousand ids in one IN list cost more to
        # compile than to run.
        if sent:
            session.connection().execute(
                update(_OUTBOX)
                .where(_OUTBOX.c.id == bindparam("event_id"), _OUTBOX.c.status == "pending")
                .values(status="sent", sent_at=now, attempts=_OUTBOX.c.attempts + 1),
                [{"event_id": event_id} for event_id in sent],
            )
        if dead:
            session.connection().execute(
                update(_OUTBOX)
                .where(_OUTBOX.c.id == bindparam("event_id"))
                .values(status="dead", error=bindparam("reason"), sent_at=now),
                [{"event_id": event_id, "reason": error} for event_id, error in dead.items()],
            )
        state = cursor_state(session)
        state.last_push_at = now
        state.online = True
        state.last_error = ""
    return len(sent), len(dead)


def pull_request(db: Database) -> tuple[str, bool]:
    """The cursor to pull after (empty before the first pull), and whether to ask how many rows are left
    (at the start of a catalog download, for its progress)."""
    with db.write() as session:
        state = cursor_state(session)
        load = catalog_load.current(session)
        cursor = f"{state.epoch}:{state.cursor}" if state.epoch else ""
        return cursor, not state.epoch or (load is not None and load.rows_total is None)


def apply_pull_page(db: Database, page: PullPage, *, store_code: str, now: datetime) -> int:
    """Apply a page and its new cursor in one transaction.

    The first pull of a terminal, and a resync, start a catalog download (``posapp.store.catalog_load``);
    the page that drains the feed swaps it into place. Nothing in the outbox is ever deleted.
    """
    epoch, _, position = page.cursor.rpartition(":")
    swapped = False
    with db.write() as session:
        state = cursor_state(session)
        load = catalog_load.current(session)
        if page.resync:
            # The server was restored or rebuilt: it may have lost events it once acknowledged. They
            # are offered again (it keeps only those it lacks); the catalog comes down anew beside the
            # one in use, which the counter keeps scanning until the new one is complete.
            catalog_load.begin(session, now=now, resync=True)
            session.execute(update(OutboxEvent).where(OutboxEvent.status == "sent").values(status="pending"))
            state.epoch, state.cursor = epoch, 0
            return 0
        if load is None and not state.epoch:
            load = catalog_load.begin(session, now=now, resync=False)
        applied = apply_changes(
            session,
            (CacheChange(c["version"], c["entity"], c["key"], c["payload"]) for c in page.changes),
            store_code=store_code,
            loading=load is not None,
        )
        if load is not None:
            if load.rows_total is None and page.remaining is not None:
                load.rows_total = load.rows_done + page.remaining
            load.rows_done += len(page.changes)
            if not page.has_more:
                catalog_load.finish(session)
                swapped = True
        state.epoch, state.cursor = epoch, int(position)
        state.last_pull_at = now
        state.online = True
        state.last_error = ""
    if swapped:
        # The download's pages went through the WAL: copy them into the file and cut the WAL back.
        db.checkpoint("TRUNCATE")
    return applied


def record_failure(db: Database, message: str) -> None:
    """The server could not be reached: offline, with the reason for the status bar."""
    with db.write() as session:
        state = cursor_state(session)
        state.online = False
        state.last_error = message[:500]
