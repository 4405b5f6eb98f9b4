"""The agent's reads and writes on the terminal database: pending events, replies, pulled pages, status."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update

from posapp.store import Database, catalog_load
from posapp.store.cache import CacheChange, apply_changes, cursor_state
from posapp.store.models import OutboxEvent
from sync.protocol.catalog import PullPage
from sync.protocol.events import Event, EventKind
from sync.protocol.messages import EventStatus, PushReply


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
        if sent:
            session.execute(
                update(OutboxEvent)
                .where(OutboxEvent.id.in_(sent), OutboxEvent.status == "pending")
                .values(status="sent", sent_at=now, attempts=OutboxEvent.attempts + 1)
            )
        for event_id, error in dead.items():
            session.execute(
                update(OutboxEvent)
                .where(OutboxEvent.id == event_id)
                .values(status="dead", error=error, sent_at=now)
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
