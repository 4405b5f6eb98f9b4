"""Recording and reading the change feed.

Writers never insert into ``change_log`` directly: ``record_change`` queues a row on the session and
the rows are appended just before the commit (after the last flush, so no row lock is taken later).
Taking ids at commit keeps the ids of one key in commit order: a second writer of the same row waits
for the first one's row lock, so it takes its ids after the first has committed.

Ids come from the table's sequence with no lock between writers: writers of different stores never
queue on each other. Ids are then handed out in a different order than transactions commit, so a
reader must not pass an id that is still to become visible. On PostgreSQL every writer *announces*
itself before taking ids, and a reader serves rows only up to a *safe bound*:

- writer, at commit: (w1) read ``h``, the last id the sequence has handed out, and take a shared
  transaction-scoped advisory lock whose key carries ``h`` (the announcement; shared locks never
  wait for each other); (w2) insert its rows, taking ids from the sequence: each is greater than
  ``h``; (w3) commit, which releases the lock.
- reader: (r1) ``L``, the last id handed out; (r2) ``A``, the smallest ``h`` among the announcements
  held now (none: no bound); bound ``B = min(L, A)``; (r3) the rows with ``cursor < id <= B``, in id
  order, in a statement after r2 (so with a snapshot taken after r2).

Gap-freedom: let row ``n <= B`` commit in writer W, ever. ``n <= L``, so the sequence handed ``n``
out before r1 (later values exceed ``L``; the sequence caches one value, so none is handed out from
a backend's private cache), hence W announced (w1) before r1, and so before r2. At r2 either W still
held its announcement, then ``A <= h_W < n``, contradicting ``n <= B``; or W's transaction had ended
already: aborted (row ``n`` never appears) or committed, and PostgreSQL makes a transaction visible
before it releases its locks, so r3's snapshot sees row ``n``. So every row with ``id <= B`` that
will ever exist is in r3's answer, and a reader whose cursor only moves to ids it was given (all
``<= B``) can never skip a row that commits later with a smaller id. The reader needs READ
COMMITTED (each statement a new snapshot): under REPEATABLE READ, r3 would use the transaction's
first snapshot, taken before r2; ``safe_bound`` refuses to run so.

Why not the transaction snapshot alone (rows whose ``xid`` is below ``pg_snapshot_xmin``): ids are
taken in a different order than xids are assigned (an old transaction may take its ids late), so
"every row below xmin is final" does not make "every row below some id is final", and the feed must
be served in id order (the terminal keeps the newest version of each key, within a page the last one
it reads). Making that work needs an xid assigned *after* the ids are taken (a subtransaction per
commit), and then any long transaction in the cluster stalls every terminal's feed; an announcement
only holds the feed back for the moment between a writer's ids and its commit.

SQLite has one writer at a time (``BEGIN IMMEDIATE``): ids are in commit order with no bound.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    SQLColumnExpression,
    Text,
    bindparam,
    cast,
    exists,
    func,
    insert,
    literal_column,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from sync.server.changes.models import ChangeLog, ServerEpoch
from sync.server.db.base import utcnow
from sync.server.db.query import Query

ANNOUNCE_TAG = 0x0C1A_0000
"""Advisory locks with the two-integer key ``(ANNOUNCE_TAG + h >> 32, low 32 bits of h)`` are change-log
writers' announcements (see above); no other code uses that key range."""
_HANDED_OUT = "CASE WHEN is_called THEN last_value ELSE last_value - 1 END"
_ANNOUNCE = text(
    "SELECT pg_advisory_xact_lock_shared(:tag + (h >> 32)::int, h::bit(32)::int) "
    f"FROM (SELECT {_HANDED_OUT} AS h FROM change_log_id_seq) AS seq"
)
_LAST_HANDED_OUT = text(
    f"SELECT {_HANDED_OUT}, current_setting('transaction_isolation') FROM change_log_id_seq"
)
_OLDEST_ANNOUNCED = text(
    "SELECT min(((classid::bigint - :tag) << 32) | objid::bigint) FROM pg_locks "
    "WHERE locktype = 'advisory' AND objsubid = 2 AND classid::bigint >= :tag "
    "AND classid::bigint < :tag + 65536 "
    "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
)
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
    # SQLAlchemy fires before_commit for a savepoint's release too. Writing then would take ids and
    # announce the writer while the rest of the transaction still runs: every reader's bound would
    # stay below it all that time, and the ids of one key would no longer follow its row locks.
    # The outer commit writes everything queued.
    if session.in_nested_transaction():
        return
    # before_commit fires before the final flush: flush first, so the announcement comes after the
    # last row lock and only the insert and the commit itself hold readers back.
    session.flush()
    session.info.pop(_SAVEPOINT_MARKS, None)
    pending: list[dict[str, Any]] = session.info.pop(_PENDING, [])
    if not pending:
        return
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_ANNOUNCE, {"tag": ANNOUNCE_TAG})
    session.execute(insert(ChangeLog), pending)


def write_pending(session: Session) -> None:
    """Write the queued changes now, as the commit would (tests hold a writer here, before its commit)."""
    _write_pending(session)


def safe_bound(session: Session, *, after: int = 0) -> int | None:
    """The greatest id a reader may serve now: every row up to it that will ever commit is visible to
    the session's next statement (see the module's docstring). ``None``: no bound (SQLite).

    A reader at ``after`` or beyond the last id handed out has nothing to read whatever the
    announcements say: the common idle poll then costs one statement and no look at ``pg_locks``.
    """
    if session.get_bind().dialect.name != "postgresql":
        return None
    handed_out, isolation = session.execute(_LAST_HANDED_OUT).one()
    if isolation != "read committed":
        raise RuntimeError(f"the change feed is read under READ COMMITTED, not {isolation}")
    if handed_out <= after:
        return int(handed_out)
    announced = session.scalar(_OLDEST_ANNOUNCED, {"tag": ANNOUNCE_TAG})
    return int(handed_out) if announced is None else min(int(handed_out), int(announced))


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


def feed_ranges(store_code: str | SQLColumnExpression[str] | None) -> tuple[ColumnElement[bool], ...]:
    """The change-log rows of a reader's feed, as ranges of the (store_code, id) index: the chain's
    (store_code NULL) and, for a store, its own. Pages, counts, the idle pull's check and the
    terminals' feed lag all read a feed through these."""
    chain = ChangeLog.store_code.is_(None)
    return (chain,) if store_code is None else (chain, ChangeLog.store_code == store_code)


def read_changes(
    session: Session,
    *,
    after: int,
    limit: int,
    store_code: str | None,
    only: ColumnElement[bool] | None = None,
) -> list[Change]:
    """Changes with id greater than ``after``, oldest first: chain-wide ones and those for ``store_code``
    (narrowed by ``only``), up to the safe bound (none that a later commit could put before them)."""
    # Plain columns, not ORM entities: a pull page is thousands of rows and identity-map work per row
    # is most of its cost.
    query = (
        select(ChangeLog.id, ChangeLog.entity, ChangeLog.key, ChangeLog.store_code, ChangeLog.payload,
               ChangeLog.created_at)
        .where(ChangeLog.id > after)
        .order_by(ChangeLog.id)
        .limit(limit)
    )  # fmt: skip
    query = query.where(or_(*feed_ranges(store_code)))
    if only is not None:
        query = query.where(only)
    bound = safe_bound(session, after=after)
    if bound is not None:
        if bound <= after:
            return []
        query = query.where(ChangeLog.id <= bound)
    return [Change(*row) for row in session.execute(query)]


def read_changes_raw(
    session: Session,
    *,
    after: int,
    limit: int,
    store_code: str | None,
    only: ColumnElement[bool] | None = None,
) -> tuple[list[tuple[int, str, str, str]], int | None]:
    """Like ``read_changes``, with each payload as its stored JSON text (for serving pull pages);
    ``only`` narrows the rows further (a store's feed leaves out members it does not serve). Also the
    safe bound the rows were read up to (``None``: no bound, SQLite): every row up to it that will
    ever commit is either among them or not for this reader."""
    query = (
        select(ChangeLog.id, ChangeLog.entity, ChangeLog.key, cast(ChangeLog.payload, Text))
        .where(ChangeLog.id > after)
        .order_by(ChangeLog.id)
        .limit(limit)
    )
    query = query.where(or_(*feed_ranges(store_code)))
    if only is not None:
        query = query.where(only)
    bound = safe_bound(session, after=after)
    if bound is not None:
        if bound <= after:
            return [], bound
        query = query.where(ChangeLog.id <= bound)
    return [(row[0], row[1], row[2], row[3]) for row in session.execute(query)], bound


def count_changes(
    session: Session, *, after: int, store_code: str | None, only: ColumnElement[bool] | None = None
) -> int:
    """How many changes ``read_changes`` would list after ``after`` with no limit (narrowed by ``only``)."""
    query = select(func.count()).select_from(ChangeLog).where(ChangeLog.id > after)
    if only is not None:
        query = query.where(only)
    query = query.where(or_(*feed_ranges(store_code)))
    return int(session.scalar(query) or 0)


_NEWEST_ID = select(ChangeLog.id).order_by(ChangeLog.id.desc()).limit(1)
_EPOCH = select(ServerEpoch.epoch).where(ServerEpoch.id == 1)


def latest_change_id(session: Session) -> int:
    """The id of the newest change (0 when the log is empty)."""
    return session.scalar(_NEWEST_ID) or 0


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


@dataclass(frozen=True, slots=True)
class FeedHead:
    """The epoch (``None`` before its first use), the newest change's id, the last id handed out, and
    whether a change for the store or the whole chain committed after the cursor (``mine``)."""

    epoch: str | None
    newest: int
    handed_out: int
    mine: bool


FEED_HEAD = Query.of(
    select(
        _EPOCH.scalar_subquery().label("epoch"),
        func.coalesce(_NEWEST_ID.scalar_subquery(), 0).label("newest"),
        literal_column(f"(SELECT {_HANDED_OUT} FROM change_log_id_seq)", BigInteger).label("handed_out"),
        or_(
            *(
                exists().where(rows, ChangeLog.id > bindparam("after"))
                for rows in feed_ranges(bindparam("store_code"))
            )
        ).label("mine"),
    )
)
"""PostgreSQL only (the sequence): what a pull with nothing new needs, in one statement on the event loop
(parameters: the puller's ``store_code`` and the cursor's position ``after``; two probes of the
change log's (store_code, id) index)."""


def epoch_and_latest(session: Session) -> tuple[str, int]:
    """``server_epoch`` and ``latest_change_id`` in one round trip (every pull needs both)."""
    epoch, latest = session.execute(select(_EPOCH.scalar_subquery(), _NEWEST_ID.scalar_subquery())).one()
    return (epoch if epoch is not None else server_epoch(session)), latest or 0


def server_epoch(session: Session) -> str:
    """The server's epoch, made on first use if migrations have not made it."""
    epoch = session.scalar(_EPOCH)
    if epoch is None:
        epoch = secrets.token_hex(16)
        session.add(ServerEpoch(id=1, epoch=epoch))
        session.flush()
    return epoch
