"""The agent's reads and writes on the terminal database: pending events, replies, pulled pages, status."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from posapp.store import Database, fts
from posapp.store.cache import CacheChange, apply_changes, clear_cache, cursor_state
from posapp.store.models import OutboxEvent, Product
from sync.protocol.events import Event, EventKind
from sync.protocol.messages import EventStatus, PullReply, PushReply


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


def current_cursor(db: Database) -> str:
    """The pull cursor (empty before the first pull)."""
    with db.write() as session:
        state = cursor_state(session)
        return f"{state.epoch}:{state.cursor}" if state.epoch else ""


def apply_pull_page(db: Database, reply: PullReply, *, store_code: str, now: datetime) -> int:
    """Apply a page and its new cursor in one transaction; a resync empties the cache (never the outbox)."""
    epoch, _, position = reply.cursor.rpartition(":")
    with db.write() as session:
        state = cursor_state(session)
        if reply.resync:
            # The server was restored or rebuilt: it may have lost events it once acknowledged. They
            # are offered again (it keeps only those it lacks); nothing in the outbox is ever deleted.
            clear_cache(session)
            session.execute(update(OutboxEvent).where(OutboxEvent.status == "sent").values(status="pending"))
            state.epoch, state.cursor = epoch, 0
            return 0
        applied = apply_changes(
            session,
            (CacheChange(c.version, c.entity, c.key, c.payload) for c in reply.changes),
            store_code=store_code,
        )
        state.epoch, state.cursor = epoch, int(position)
        state.last_pull_at = now
        state.online = True
        state.last_error = ""
        return applied


def prepare_catalog_load(db: Database) -> bool:
    """Enter bulk-load mode when the catalog is empty (first download); True while in that mode."""
    with db.write() as session:
        if not fts.in_bulk_mode(session) and session.scalar(select(Product.id).limit(1)) is None:
            fts.enter_bulk_mode(session)
        return fts.in_bulk_mode(session)


def finish_catalog_load(db: Database) -> None:
    """Index the downloaded catalog in one pass and restore the per-row index triggers."""
    with db.write() as session:
        if fts.in_bulk_mode(session):
            fts.leave_bulk_mode(session)


def record_failure(db: Database, message: str) -> None:
    """The server could not be reached: offline, with the reason for the status bar."""
    with db.write() as session:
        state = cursor_state(session)
        state.online = False
        state.last_error = message[:500]
