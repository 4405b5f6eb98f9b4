"""Serving the change feed to a terminal: pages after its cursor, or "resync" when the cursor is no good.

The change log's ids are handed out in commit order (see ``changes.service``), so a page never skips
a row that commits later with a smaller id. A cursor from another epoch (the database was restored
or rebuilt) or beyond the newest change (restored from an older backup) cannot be trusted: the
terminal is told to resync from scratch.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from sync.protocol.messages import ChangeRow, PullReply, make_cursor, read_cursor
from sync.server.changes import service as changes_service
from sync.server.db.base import utcnow


def pull_page(session: Session, *, cursor: str, limit: int, store_code: str) -> PullReply:
    """The next page of changes for ``store_code`` after ``cursor``."""
    epoch = changes_service.server_epoch(session)
    parsed = read_cursor(cursor) if cursor else (epoch, 0)
    latest = changes_service.latest_change_id(session)
    if parsed is None or parsed[0] != epoch or parsed[1] > latest:
        return PullReply(
            changes=[], cursor=make_cursor(epoch, 0), has_more=True, resync=True, server_time=utcnow()
        )
    after = parsed[1]
    rows = changes_service.read_changes(session, after=after, limit=limit, store_code=store_code)
    position = rows[-1].id if rows else after
    return PullReply(
        changes=[ChangeRow(version=r.id, entity=r.entity, key=r.key, payload=r.payload) for r in rows],
        cursor=make_cursor(epoch, position),
        has_more=len(rows) == limit,
        server_time=utcnow(),
    )
