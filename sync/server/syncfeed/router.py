"""Sync endpoints for paired terminals: push outbox events, pull the change feed, see dead letters."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.protocol import PROTOCOL_VERSION
from sync.protocol.messages import MAX_PULL_LIMIT, PullReply, PushReply, PushRequest, read_cursor
from sync.server.answers import json_answer
from sync.server.auth.service import Caller
from sync.server.changes import service as changes
from sync.server.deps import DeviceDb, DeviceOrAdminDep, SessionDep
from sync.server.problems import ProblemError
from sync.server.syncfeed import feed, ingest, screen
from sync.server.syncfeed.models import DeadLetter

router = APIRouter(prefix="/v1/sync", tags=["sync"])


class UnsupportedProtocol(ProblemError):
    """The terminal speaks a protocol version this server does not."""

    def __init__(self, version: int) -> None:
        super().__init__(426, f"protocol version {version} is not supported (server: {PROTOCOL_VERSION})",
                         slug="protocol-version")  # fmt: skip


@router.post(
    "/push",
    response_model=PushReply,
    summary="Push outbox events (gzip body allowed); one result per event",
    openapi_extra={
        "requestBody": {"content": {"application/json": {"schema": PushRequest.model_json_schema()}}}
    },
)
async def push(request: Request, auth: DeviceDb) -> Response:
    """Apply a batch in one transaction with a savepoint per event; resends answer "duplicate"."""
    # The body arrives inflated and bounded (bodies.py). Parsing a large batch is CPU work and the
    # batch is database work: both run in one hop on a thread, not on the event loop that every other
    # request of this worker needs. An invalid event is refused alone (screen.py), not the whole batch.
    raw = await request.body()
    return json_answer(await auth.db.run(_push, raw, auth.caller))


def _push(session: Session, raw: bytes, caller: Caller) -> PushReply:
    pushed = screen.screen(raw)
    if pushed.request.protocol_version != PROTOCOL_VERSION:
        raise UnsupportedProtocol(pushed.request.protocol_version)
    results = screen.apply(session, caller=caller, pushed=pushed)
    session.commit()
    return PushReply(results=results, server_time=ingest.server_time())


@router.get("/pull", response_model=PullReply, summary="Changes of cached data after a cursor")
async def pull(
    auth: DeviceDb,
    cursor: Annotated[str, Query(max_length=100)] = "",
    limit: Annotated[int, Query(ge=1, le=MAX_PULL_LIMIT)] = 5_000,
    count: Annotated[bool, Query(description="also say how many changes are left (`remaining`)")] = False,
) -> Response:
    """A page of the store's and the chain's changes; ``resync`` when the cursor cannot be trusted."""
    caller, db = auth.caller, auth.db
    assert caller.store_code is not None
    head = None
    # On PostgreSQL the feed's head comes first, in one statement on the event loop: a poll with nothing
    # new ends there, any other pull uses it instead of reading the epoch and newest id again.
    if db.on_loop:
        parsed = read_cursor(cursor) if cursor else None
        after = parsed[1] if parsed is not None else 0  # any other cursor is read in full, or resynced
        row = await db.fetch_one(
            changes.FEED_HEAD, store_code=caller.store_code, after=after
        )  # always one row
        head = changes.FeedHead(**row) if row is not None else None
        if head is not None and not count and (page := feed.idle_page_json(head, parsed)) is not None:
            return Response(content=page, media_type="application/json")
    # A pull only reads (the epoch row, made on first use, is the one exception, and commits itself on
    # an autocommit connection): no BEGIN/COMMIT round trips. Each statement still reads under its own
    # READ COMMITTED snapshot, which is what changes.safe_bound's proof needs.
    return await db.read(
        _pull_page, cursor=cursor, limit=limit, store_code=caller.store_code, count=count,
        member_days=auth.settings.feed_member_days, head=head,
    )  # fmt: skip


def _pull_page(session: Session, /, **page: Any) -> Response:
    body = feed.pull_page_json(session, **page)
    session.commit()  # the epoch row may have been created (SQLite reads in a transaction)
    # Built as JSON text directly: letting FastAPI re-validate thousands of rows doubles a page's cost.
    return Response(content=body, media_type="application/json")


class DeadLetterOut(BaseModel):
    """A refused event, for people to look at."""

    event_id: str
    reason: str
    detail: str
    envelope: dict[str, object]


@router.get("/dead-letters", response_model=list[DeadLetterOut], summary="Events the server refused")
def dead_letters(session: SessionDep, caller: DeviceOrAdminDep) -> list[DeadLetterOut]:
    """A device sees its store's; an admin sees all."""
    query = select(DeadLetter).order_by(DeadLetter.id.desc()).limit(500)
    if caller.kind == "device":
        query = query.where(DeadLetter.store_id == caller.store_id)
    return [
        DeadLetterOut(event_id=d.event_id, reason=d.reason, detail=d.detail, envelope=d.envelope)
        for d in session.scalars(query)
    ]
