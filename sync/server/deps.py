"""FastAPI dependencies as type aliases: a session per request, the three kinds of caller, and a caller
with the database for the ``async def`` endpoints of the hot look-ups."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Annotated, Any, Concatenate, ParamSpec, TypeVar

import anyio
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from sync.protocol.messages import PENDING_HEADER, read_cursor
from sync.server.auth.cache import TokenCache
from sync.server.auth.service import Caller, authenticate, note_device_contact
from sync.server.config import Settings
from sync.server.db.loop_reads import LoopReads
from sync.server.db.query import Query, Row
from sync.server.problems import Forbidden, ProblemError
from sync.server.security import hash_token

P = ParamSpec("P")
T = TypeVar("T")
bearer = HTTPBearer(auto_error=False, description="admin (adm_…), device (dev_…) or channel (chn_…) token")


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A session for one request; routers commit explicitly, anything else is rolled back.

    Opened on the event loop (a session touches the database only when first used) and closed there
    when it holds no connection (it committed, or never queried), so it costs no threadpool hop of
    its own; one still in a transaction is rolled back and closed on a thread.
    """
    session: Session = request.app.state.session_factory()
    try:
        yield session
    finally:
        if session.in_transaction():
            with anyio.CancelScope(
                shield=True
            ):  # a client gone away must not leave the connection checked out
                await run_in_threadpool(session.close)
        else:
            session.close()


class Database:
    """The app's sessions, for an ``async def`` endpoint that does all its database work in one hop.

    A sync endpoint costs at least two threadpool hops (the endpoint, then FastAPI validating its
    answer), and three when its session is still open at the end. ``await db.run(work, …)`` opens a
    session, runs ``work(session, …)`` and closes the session in one hop; the answer is then checked
    and serialised on the event loop (cheap for the small models of look-ups). ``work`` commits what
    it wants kept, as routers do with ``SessionDep``.
    """

    def __init__(
        self,
        factory: sessionmaker[Session],
        reads: sessionmaker[Session] | None = None,
        loop: LoopReads | None = None,
    ) -> None:
        self.factory = factory
        self.reads = reads or factory
        self.loop = loop

    async def run(self, work: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        """``work(session, *args, **kwargs)`` on a worker thread with a session of its own."""
        return await _in_thread(self.factory, lambda session: work(session, *args, **kwargs))

    async def read(self, work: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Like ``run`` for work that only reads, on PostgreSQL without a transaction (autocommit).

        A transaction costs a read two of its four round trips (``BEGIN``, and the ``ROLLBACK`` when the
        connection goes back to the pool; the pool's ping and the query are the others). Each statement
        then sees what was committed when it started: right for a look-up of one thing.
        """
        return await _in_thread(self.reads, lambda session: work(session, *args, **kwargs))

    @property
    def on_loop(self) -> bool:
        """Whether look-ups run on the event loop (PostgreSQL, once the app has started)."""
        return self.loop is not None and self.loop.opened

    async def fetch_all(self, query: Query, /, **params: Any) -> list[Row]:
        """The rows of one look-up: on PostgreSQL on the event loop (``db.loop_reads``), no thread hop
        and no session; on SQLite, or before the app has started, the same statement on a thread."""
        if self.loop is not None and self.loop.opened:
            return await self.loop.fetch_all(query, params)
        return await _in_thread(
            self.reads,
            lambda session: [dict(row) for row in session.execute(query.statement, params).mappings()],
        )

    async def fetch_one(self, query: Query, /, **params: Any) -> Row | None:
        """The first row of one look-up (see ``fetch_all``), or ``None``."""
        rows = await self.fetch_all(query, **params)
        return rows[0] if rows else None


async def _in_thread(factory: sessionmaker[Session], job: Callable[[Session], T]) -> T:
    def in_session() -> T:
        with factory() as session:
            return job(session)

    return await run_in_threadpool(in_session)


async def get_settings(request: Request) -> Settings:
    """The app's settings."""
    settings: Settings = request.app.state.settings
    return settings


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


class Unauthorized(ProblemError):
    """No valid credential (missing, unknown or revoked)."""

    def __init__(self) -> None:
        super().__init__(401, "a valid bearer token is required", slug="unauthorized")


Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


async def get_caller(request: Request, credentials: Credentials) -> Caller:
    """The authenticated caller, or 401. A terminal's contact is noted for the HQ device list.

    A token seen in the last few seconds is answered from the worker's token cache (``auth.cache``)
    on the event loop: no query, no threadpool hop. Otherwise one hop reads the caller and notes the
    device's contact (at most every ``CONTACT_EVERY``, or when its software changed) in one session.
    """
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized()
    token = credentials.credentials
    cache: TokenCache = request.app.state.token_cache
    digest = hash_token(token)
    agent = request.headers.get("user-agent")
    client_version = agent[:64] if agent else None
    known = cache.get(digest)
    if known is not None and (
        known.caller.kind != "device" or client_version in (None, known.client_version)
    ):  # a terminal's new software is noted at once, so it is read afresh
        return known.caller
    generation = cache.generation
    caller = await run_in_threadpool(
        _authenticate, request.app.state.session_factory, token, device_report(request)
    )
    if caller is None:
        raise Unauthorized()
    cache.put(digest, caller, client_version=client_version, generation=generation)
    return caller


def _authenticate(factory: sessionmaker[Session], token: str, report: dict[str, Any]) -> Caller | None:
    with factory() as session:
        caller = authenticate(session, token)
        if caller is not None and caller.kind == "device" and note_device_contact(session, caller, **report):
            session.commit()
        return caller


def device_report(request: Request) -> dict[str, Any]:
    """What a terminal's request says about it: software (User-Agent), outbox size, feed position."""
    pending = request.headers.get(PENDING_HEADER, "")
    position = None
    cursor = request.query_params.get("cursor") if request.url.path == "/v1/sync/pull" else None
    if cursor:
        parsed = read_cursor(cursor)
        position = parsed[1] if parsed is not None else None
    return {
        "client_version": request.headers.get("user-agent") or None,
        "pending_events": int(pending) if pending.isdigit() and len(pending) < 10 else None,
        "feed_position": position,
    }


class CallerOf(HTTPBearer):
    """The bearer scheme, as OpenAPI shows it, that also authenticates the caller and checks its kind.

    One dependency for FastAPI to solve where ``HTTPBearer``, the caller and the kind check were three
    levels: solving dependencies was a quarter of a look-up's CPU (bench/REQUESTS.md). It runs on
    the event loop; only a token missing from the cache costs a threadpool hop (``get_caller``).
    """

    def __init__(self, *kinds: str) -> None:
        super().__init__(auto_error=False, description=bearer.model.description, scheme_name="HTTPBearer")
        self.kinds = frozenset(kinds)

    async def __call__(self, request: Request) -> Caller:  # type: ignore[override] # the caller, not the credentials
        caller = await get_caller(request, await super().__call__(request))
        if self.kinds and caller.kind not in self.kinds:
            raise Forbidden(f"this needs a {' or '.join(sorted(self.kinds))} token")
        return caller


@dataclass(frozen=True, slots=True)
class Authorised:
    """An authenticated caller with the app's ``Database`` and settings."""

    caller: Caller
    db: Database
    settings: Settings


class AuthorisedBy(CallerOf):
    """``CallerOf`` that also hands over the app's ``Database`` and settings: one dependency for the
    endpoints that work through ``Database`` (the hot look-ups, push and pull) where the caller, the
    database and the settings were up to three to solve."""

    async def __call__(self, request: Request) -> Authorised:  # type: ignore[override] # the caller with the database
        state = request.app.state
        return Authorised(await super().__call__(request), state.database, state.settings)


CallerDep = Annotated[Caller, Depends(CallerOf())]
AdminDep = Annotated[Caller, Depends(CallerOf("admin"))]
DeviceDep = Annotated[Caller, Depends(CallerOf("device"))]
ChannelDep = Annotated[Caller, Depends(CallerOf("channel"))]
DeviceOrAdminDep = Annotated[Caller, Depends(CallerOf("device", "admin"))]
DeviceOrChannelDep = Annotated[Caller, Depends(CallerOf("device", "channel"))]
AdminDb = Annotated[Authorised, Depends(AuthorisedBy("admin"))]
DeviceDb = Annotated[Authorised, Depends(AuthorisedBy("device"))]
DeviceOrAdminDb = Annotated[Authorised, Depends(AuthorisedBy("device", "admin"))]
