"""Serving the change feed to a terminal: pages after its cursor, or "resync" when the cursor is no good.

A page stops at the change log's safe bound (see ``changes.service``), so it never skips a row that
commits later with a smaller id. A cursor from another epoch (the database was restored
or rebuilt) or beyond the newest change (restored from an older backup) cannot be trusted: the
terminal is told to resync from scratch.

A store's feed carries only the members that store serves offline (``members_served``): those whose
home store it is, those who shopped there in the last ``member_days`` days, and erased records (their
anonymised profile must replace whatever a terminal kept). Every other member is found by a live
look-up (``GET /v1/customers``), which the server logs in the customer-access log.
"""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import ColumnElement, String, cast, or_, select
from sqlalchemy.orm import Session

from sync.protocol import PROTOCOL_VERSION
from sync.protocol.messages import ChangeRow, PullReply, make_cursor, read_cursor
from sync.server.changes import service as changes_service
from sync.server.changes.models import ChangeLog
from sync.server.customers.models import Customer
from sync.server.db.base import utcnow
from sync.server.sales.models import StoreSale
from sync.server.stores.models import Store

MEMBER_ENTITIES = ("customer", "points_balance")
"""Feed entities keyed by a customer id, carrying a member's profile or balance."""
DEFAULT_MEMBER_DAYS = 90


def _serves(store_code: str, member_days: int) -> ColumnElement[bool]:
    """Whether the store serves a customer (a condition on ``Customer``)."""
    store_id = select(Store.id).where(Store.code == store_code).scalar_subquery()
    shopped = select(StoreSale.customer_id).where(
        StoreSale.store_id == store_id,
        StoreSale.customer_id.is_not(None),
        StoreSale.sold_at >= utcnow() - timedelta(days=member_days),
    )
    return or_(
        Customer.home_store_id == store_id,
        Customer.id.in_(shopped),
        Customer.merged_into_id.in_(shopped),  # the redirect of a record merged into one it serves
        Customer.erased_at.is_not(None),
    )


def members_served(store_code: str, *, member_days: int = DEFAULT_MEMBER_DAYS) -> ColumnElement[bool]:
    """Change-log rows a store may receive, as far as members go: every non-member row, and member
    rows of the customers the store serves offline (as SQL: for counting)."""
    served = select(cast(Customer.id, String)).where(_serves(store_code, member_days))
    return or_(ChangeLog.entity.not_in(MEMBER_ENTITIES), ChangeLog.key.in_(served))


def without_unserved_members(
    session: Session, rows: list[tuple[int, str, str, str]], *, store_code: str, member_days: int
) -> list[tuple[int, str, str, str]]:
    """``rows`` less the member rows of customers the store does not serve.

    Done on the page rather than in its query: a page of products then costs nothing more, and a
    page with members costs one primary-key range scan over those members (a condition in the
    query made every page of a 250,000-row download 25 % slower on PostgreSQL).
    """
    keys = {int(key) for _, entity, key, _ in rows if entity in MEMBER_ENTITIES and key.isdigit()}
    if not keys:
        return rows
    # One range scan of the primary key: a list of 20,000 bound ids took psycopg and SQLAlchemy
    # over a second to render, the scan takes tens of milliseconds.
    served = set(
        session.scalars(
            select(Customer.id).where(
                Customer.id.between(min(keys), max(keys)), _serves(store_code, member_days)
            )
        )
    )
    return [
        row for row in rows if row[1] not in MEMBER_ENTITIES or (row[2].isdigit() and int(row[2]) in served)
    ]


def pull_page(
    session: Session, *, cursor: str, limit: int, store_code: str, member_days: int = DEFAULT_MEMBER_DAYS
) -> PullReply:
    """The next page of changes for ``store_code`` after ``cursor``."""
    epoch, latest = changes_service.epoch_and_latest(session)
    parsed = read_cursor(cursor) if cursor else (epoch, 0)
    if parsed is None or parsed[0] != epoch or parsed[1] > latest:
        return PullReply(
            changes=[], cursor=make_cursor(epoch, 0), has_more=True, resync=True, server_time=utcnow()
        )
    after = parsed[1]
    rows = changes_service.read_changes(
        session, after=after, limit=limit, store_code=store_code,
        only=members_served(store_code, member_days=member_days),
    )  # fmt: skip
    position = rows[-1].id if rows else after
    return PullReply(
        changes=[ChangeRow(version=r.id, entity=r.entity, key=r.key, payload=r.payload) for r in rows],
        cursor=make_cursor(epoch, position),
        has_more=len(rows) == limit,
        server_time=utcnow(),
    )


def pull_page_json(
    session: Session,
    *,
    cursor: str,
    limit: int,
    store_code: str,
    count: bool = False,
    member_days: int = DEFAULT_MEMBER_DAYS,
    head: changes_service.FeedHead | None = None,
) -> bytes:
    """The same page as ``pull_page``, as the JSON the wire carries, built without decoding payloads.

    Payloads are stored as JSON already; passing their text through (instead of parsing 5,000 of
    them into Python and serialising them again) is most of what a large catalog download costs
    the server. ``head``: the epoch and newest id already read (on the event loop, ``FEED_HEAD``).
    """
    if head is not None and head.epoch is not None:
        epoch, latest = head.epoch, head.newest
    else:
        epoch, latest = changes_service.epoch_and_latest(session)
    parsed = read_cursor(cursor) if cursor else (epoch, 0)
    if parsed is None or parsed[0] != epoch or parsed[1] > latest:
        return (
            pull_page(session, cursor=cursor, limit=limit, store_code=store_code).model_dump_json().encode()
        )
    rows, bound = changes_service.read_changes_raw(
        session, after=parsed[1], limit=limit, store_code=store_code
    )
    has_more = len(rows) == limit  # of the rows read: the cursor moves past the members left out
    position = rows[-1][0] if has_more else read_through(parsed[1], rows, bound=bound, latest=latest)
    rows = without_unserved_members(session, rows, store_code=store_code, member_days=member_days)
    remaining = None
    if count:  # once per catalog download, for its progress bar
        remaining = changes_service.count_changes(
            session, after=parsed[1], store_code=store_code,
            only=members_served(store_code, member_days=member_days),
        )  # fmt: skip
    return _page_json(rows, epoch=epoch, position=position, has_more=has_more, remaining=remaining)


def read_through(after: int, rows: list[tuple[int, str, str, str]], *, bound: int | None, latest: int) -> int:
    """Where a page that read every row for this store up to the safe ``bound`` leaves the cursor: past
    the other stores' rows too, so the next pull neither scans them again nor misses a later one.

    At most ``latest`` (the newest id when the page began): a cursor beyond the newest change means a
    restored server (resync), and the sequence also hands out ids that a rolled-back writer never used.
    """
    read = latest if bound is None else min(bound, latest)
    return max(after, read, rows[-1][0] if rows else after)


def idle_page_json(head: changes_service.FeedHead, parsed: tuple[str, int] | None) -> bytes | None:
    """The empty page ``pull_page_json`` answers a caught-up ``cursor`` with, from the feed's head alone
    (one statement, ``changes.FEED_HEAD``), ``parsed`` being the cursor as ``read_cursor`` reads it;
    ``None`` when there may be something to read or resync.

    Caught up: nothing was handed out beyond the cursor, or nothing for this store or the chain has
    committed beyond it (``head.mine``: other stores are writing). The answer keeps the cursor where it
    is, which is always safe: a change still being committed beyond it is read by a later pull, and a
    page that reads rows moves the cursor past the other stores' rows (``pull_page_json``).
    """
    if head.epoch is None or parsed is None or parsed[0] != head.epoch:
        return None
    after = parsed[1]
    if after > head.newest or (head.handed_out > after and head.mine):
        return None
    return _page_json([], epoch=head.epoch, position=after, has_more=False, remaining=None)


def _page_json(
    rows: list[tuple[int, str, str, str]], *, epoch: str, position: int, has_more: bool, remaining: int | None
) -> bytes:
    changes = ",".join(
        f'{{"version":{version},"entity":{json.dumps(entity)},"key":{json.dumps(key)},"payload":{payload}}}'
        for version, entity, key, payload in rows
    )
    envelope: dict[str, object] = {
        "protocol_version": PROTOCOL_VERSION,
        "cursor": make_cursor(epoch, position),
        "has_more": has_more,
        "resync": False,
        "server_time": utcnow().isoformat(),
    }
    if remaining is not None:
        envelope["remaining"] = remaining
    return ('{"changes":[' + changes + "]," + json.dumps(envelope)[1:]).encode()
