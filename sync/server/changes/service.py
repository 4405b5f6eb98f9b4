"""Recording and reading the change feed.

Writers never insert into ``change_log`` directly: ``record_change`` queues a row on the session and
the rows are appended just before the commit, after taking a transaction-scoped advisory lock on
PostgreSQL. So log ids are handed out in commit order and a reader polling ``id > cursor`` can never
pass a row that is still to become visible. Taking the lock last (at commit) also means a writer
holding it never waits for another lock, so it cannot deadlock with row locks.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Text, cast, func, insert, or_, select, text
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from sync.server.changes.models import ChangeLog, ServerEpoch
from sync.server.db.base import utcnow

CHANGE_LOG_LOCK_ID = 0x0D0C_1A06
_PENDING = "pending_changes"
_SAVEPOINT_MARKS = "pending_changes_marks"


@dataclass(frozen=True, slots=True)
class Change:
    """One row of the feed as a reader sees it."""

    id: int
    entity: str
    key: str
    store_code: str | None
    payload: dict[str, Any]
    created_at: datetime


def record_change(
    session: Session, *, entity: str, key: str, store_code: str | None, payload: dict[str, Any]
) -> None:
    """Queue a change of terminal-cached data; it is written with the session's commit (or dropped on rollback)."""
    pending: list[dict[str, Any]] = session.info.setdefault(_PENDING, [])
    pending.append(
        {"entity": entity, "key": key, "store_code": store_code, "payload": payload, "created_at": utcnow()}
    )


def pending_mark(session: Session) -> int:
    """How many changes are queued now; pass it to ``drop_pending_since`` when a savepoint rolls back."""
    return len(session.info.get(_PENDING, []))


def drop_pending_since(session: Session, mark: int) -> None:
    """Forget changes queued after ``mark``: their savepoint was rolled back, so they never happened."""
    pending: list[dict[str, Any]] = session.info.get(_PENDING, [])
    del pending[mark:]


def _write_pending(session: Session) -> None:
    # SQLAlchemy fires before_commit for a savepoint's release too. Writing (and locking) then would
    # hold the change-log lock while the rest of the transaction takes row locks: two such writers
    # deadlocked under load (bench/LOAD.md). The outer commit writes everything queued.
    if session.in_nested_transaction():
        return
    # before_commit fires before the final flush: flush first, so no row lock is taken after the
    # change-log lock (which would let two writers deadlock on each other's locks).
    session.flush()
    session.info.pop(_SAVEPOINT_MARKS, None)
    pending: list[dict[str, Any]] = session.info.pop(_PENDING, [])
    if not pending:
        return
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:lock_id)"), {"lock_id": CHANGE_LOG_LOCK_ID})
    session.execute(insert(ChangeLog), pending)


def _mark_savepoint(session: Session, transaction: SessionTransaction) -> None:
    if transaction.nested:
        session.info.setdefault(_SAVEPOINT_MARKS, {})[id(transaction)] = pending_mark(session)


def _forget_rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    # A savepoint's rollback forgets only what was queued inside it; the outer transaction's rollback
    # forgets everything. (Dropping everything on any rollback would lose the changes of the events
    # that were applied before a refused one in the same batch.)
    marks: dict[int, int] = session.info.get(_SAVEPOINT_MARKS, {})
    if previous_transaction.nested:
        mark = marks.pop(id(previous_transaction), None)
        if mark is not None:
            drop_pending_since(session, mark)
    elif previous_transaction.parent is None:
        session.info.pop(_PENDING, None)
        session.info.pop(_SAVEPOINT_MARKS, None)


def install_change_log_writer(factory: sessionmaker[Session]) -> None:
    """Make sessions from ``factory`` write their queued changes at commit."""
    from sqlalchemy import event

    event.listen(factory, "before_commit", _write_pending)
    event.listen(factory, "after_transaction_create", _mark_savepoint)
    event.listen(factory, "after_soft_rollback", _forget_rolled_back)


def read_changes(
    session: Session,
    *,
    after: int,
    limit: int,
    store_code: str | None,
    only: ColumnElement[bool] | None = None,
) -> list[Change]:
    """Changes with id greater than ``after``, oldest first: chain-wide ones and those for ``store_code``
    (narrowed by ``only``)."""
    # Plain columns, not ORM entities: a pull page is thousands of rows and identity-map work per row
    # is most of its cost.
    query = (
        select(ChangeLog.id, ChangeLog.entity, ChangeLog.key, ChangeLog.store_code, ChangeLog.payload,
               ChangeLog.created_at)
        .where(ChangeLog.id > after)
        .order_by(ChangeLog.id)
        .limit(limit)
    )  # fmt: skip
    if store_code is None:
        query = query.where(ChangeLog.store_code.is_(None))
    else:
        query = query.where(or_(ChangeLog.store_code.is_(None), ChangeLog.store_code == store_code))
    if only is not None:
        query = query.where(only)
    return [Change(*row) for row in session.execute(query)]


def read_changes_raw(
    session: Session,
    *,
    after: int,
    limit: int,
    store_code: str | None,
    only: ColumnElement[bool] | None = None,
) -> list[tuple[int, str, str, str]]:
    """Like ``read_changes``, with each payload as its stored JSON text (for serving pull pages);
    ``only`` narrows the rows further (a store's feed leaves out members it does not serve)."""
    query = (
        select(ChangeLog.id, ChangeLog.entity, ChangeLog.key, cast(ChangeLog.payload, Text))
        .where(ChangeLog.id > after)
        .order_by(ChangeLog.id)
        .limit(limit)
    )
    if store_code is None:
        query = query.where(ChangeLog.store_code.is_(None))
    else:
        query = query.where(or_(ChangeLog.store_code.is_(None), ChangeLog.store_code == store_code))
    if only is not None:
        query = query.where(only)
    return [(row[0], row[1], row[2], row[3]) for row in session.execute(query)]


def count_changes(
    session: Session, *, after: int, store_code: str | None, only: ColumnElement[bool] | None = None
) -> int:
    """How many changes ``read_changes`` would list after ``after`` with no limit (narrowed by ``only``)."""
    query = select(func.count()).select_from(ChangeLog).where(ChangeLog.id > after)
    if only is not None:
        query = query.where(only)
    if store_code is None:
        query = query.where(ChangeLog.store_code.is_(None))
    else:
        query = query.where(or_(ChangeLog.store_code.is_(None), ChangeLog.store_code == store_code))
    return int(session.scalar(query) or 0)


def latest_change_id(session: Session) -> int:
    """The id of the newest change (0 when the log is empty)."""
    return session.scalar(select(ChangeLog.id).order_by(ChangeLog.id.desc()).limit(1)) or 0


def start_new_epoch(session: Session) -> str:
    """Replace the epoch (after a restore): cursors of the old epoch are answered with "resync"."""
    epoch = secrets.token_hex(16)
    row = session.get(ServerEpoch, 1)
    if row is None:
        session.add(ServerEpoch(id=1, epoch=epoch))
    else:
        row.epoch = epoch
    session.flush()
    return epoch


def server_epoch(session: Session) -> str:
    """The server's epoch, made on first use if migrations have not made it."""
    epoch = session.scalar(select(ServerEpoch.epoch).where(ServerEpoch.id == 1))
    if epoch is None:
        epoch = secrets.token_hex(16)
        session.add(ServerEpoch(id=1, epoch=epoch))
        session.flush()
    return epoch
