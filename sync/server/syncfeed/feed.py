"""Serving the change feed to a terminal: pages after its cursor, or "resync" when the cursor is no good.

The change log's ids are handed out in commit order (see ``changes.service``), so a page never skips
a row that commits later with a smaller id. A cursor from another epoch (the database was restored
or rebuilt) or beyond the newest change (restored from an older backup) cannot be trusted: the
terminal is told to resync from scratch.
"""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from sync.protocol import PROTOCOL_VERSION
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


def pull_page_json(
    session: Session, *, cursor: str, limit: int, store_code: str, count: bool = False
) -> bytes:
    """The same page as ``pull_page``, as the JSON the wire carries, built without decoding payloads.

    Payloads are stored as JSON already; passing their text through (instead of parsing 5,000 of
    them into Python and serialising them again) is most of what a large catalog download costs
    the server.
    """
    epoch = changes_service.server_epoch(session)
    parsed = read_cursor(cursor) if cursor else (epoch, 0)
    latest = changes_service.latest_change_id(session)
    if parsed is None or parsed[0] != epoch or parsed[1] > latest:
        return (
            pull_page(session, cursor=cursor, limit=limit, store_code=store_code).model_dump_json().encode()
        )
    rows = changes_service.read_changes_raw(session, after=parsed[1], limit=limit, store_code=store_code)
    position = rows[-1][0] if rows else parsed[1]
    changes = ",".join(
        f'{{"version":{version},"entity":{json.dumps(entity)},"key":{json.dumps(key)},"payload":{payload}}}'
        for version, entity, key, payload in rows
    )
    envelope: dict[str, object] = {
        "protocol_version": PROTOCOL_VERSION,
        "cursor": make_cursor(epoch, position),
        "has_more": len(rows) == limit,
        "resync": False,
        "server_time": utcnow().isoformat(),
    }
    if count:  # once per catalog download, for its progress bar
        envelope["remaining"] = changes_service.count_changes(session, after=parsed[1], store_code=store_code)
    return ('{"changes":[' + changes + "]," + json.dumps(envelope)[1:]).encode()
