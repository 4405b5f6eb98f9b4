"""The FastAPI application: ``create_app(settings)`` makes an app with its own engine."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI
from pydantic import BaseModel, Field
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from posapp.version import software_version
from sync.protocol import PROTOCOL_VERSION
from sync.server.auth.cache import TokenCache, forget_on_revocation
from sync.server.auth.router import admin_router as auth_admin_router
from sync.server.auth.router import device_router
from sync.server.auth.throttle import PairingThrottle
from sync.server.bodies import BodyRules
from sync.server.config import Settings, load_settings
from sync.server.db.loop_reads import LoopReads
from sync.server.db.migrate import upgrade
from sync.server.db.session import make_engine, make_session_factory
from sync.server.deps import Database
from sync.server.gateway import Gateway
from sync.server.hq.router import mount_hq
from sync.server.jobs import install_minutely
from sync.server.points.holds import release_expired_holds
from sync.server.problems import Problem, install_problem_handlers
from sync.server.products.router import router as products_router
from sync.server.products.schedule import apply_due as apply_due_prices
from sync.server.reports.days import refresh as refresh_sales_days
from sync.server.stores.router import router as stores_router

API_VERSION = "1.0.0"


class Health(BaseModel):
    """Liveness and database reachability; for monitors, open dead letters and the change-feed lag."""

    status: str
    database: str
    dead_letters: int
    feed_lag_seconds: float | None
    version: str = Field(description="the server's OmniPOS version")
    protocol: int = Field(description="the sync protocol it speaks (terminals on another get 426)")


def create_app(settings: Settings | None = None) -> FastAPI:
    """An app bound to the database of ``settings`` (migrated at start for SQLite)."""
    settings = settings or load_settings()
    engine = make_engine(settings.resolved_database_url, pool_size=settings.pool_size)
    if settings.is_sqlite and settings.migrate_on_start:
        upgrade(engine)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:  # noqa: ARG001 - FastAPI's lifespan signature
        # As many request threads as pooled connections (pool_size + as many overflow); the admission
        # limit below keeps fewer requests than that inside, so none can wait on another for ever.
        anyio.to_thread.current_default_thread_limiter().total_tokens = 2 * settings.pool_size
        if loop_reads is not None:
            await loop_reads.open()
        yield
        if loop_reads is not None:
            await loop_reads.close()
        engine.dispose()

    app = FastAPI(title="OmniPOS central server", version=API_VERSION, lifespan=lifespan)
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    # Look-ups that only read skip the transaction (autocommit is a client-side switch in psycopg).
    reads = (
        None if settings.is_sqlite else sessionmaker(engine.execution_options(isolation_level="AUTOCOMMIT"))
    )
    # Hot look-ups on PostgreSQL run on the event loop over a pool of their own (db/loop_reads.py).
    loop_reads = None if settings.is_sqlite else LoopReads(engine, size=loop_pool_size(settings.pool_size))
    app.state.database = Database(app.state.session_factory, reads, loop_reads)
    app.state.token_cache = TokenCache()  # per app, so per worker process
    forget_on_revocation(app.state.session_factory, app.state.token_cache)
    app.state.pairing_throttle = PairingThrottle()  # its counts live in the database: shared
    install_problem_handlers(app)
    for router in _routers():
        app.include_router(router)
    mount_hq(app)
    install_minutely(app, apply_due_prices, refresh_sales_days, release_expired_holds)
    _install_health(app)
    # Bodies bounded, then admission (requests beyond the limit wait on the event loop, holding no
    # thread and no connection), gzip and the access log: one layer (gateway.py).
    app.add_middleware(Gateway, rules=body_rules(settings), limit=admission_limit(settings.pool_size))
    _add_problem_schema(app)
    return app


def loop_pool_size(pool_size: int) -> int:
    """Connections of the event loop's look-up pool: half the sync pool (each holds one only for a statement)."""
    return max(2, pool_size // 2)


def admission_limit(pool_size: int) -> int:
    """Requests a worker lets in at once: fewer than its 2 × ``pool_size`` connections, with a margin."""
    return max(1, pool_size + pool_size // 2)


def body_rules(settings: Settings) -> BodyRules:
    """The request-body limits of ``settings``."""
    return BodyRules(
        max_bytes=settings.max_body_bytes,
        max_inflated_bytes=settings.max_inflated_bytes,
        max_json_values=settings.max_json_values,
        timeout=settings.body_timeout_seconds,
    )


def hot_routers() -> list:  # type: ignore[type-arg]
    """The routers of the terminals' every-few-seconds requests and the counter's look-ups.

    They are included first: routes are tried in order, and a pull came after sixty others (about a
    tenth of its CPU). None of their routes can match a path of another router's
    (tests/server/test_route_order.py), so the order changes no request's route.
    """
    from sync.server.customers.router import router as customers_router
    from sync.server.stock.router import router as stock_router
    from sync.server.syncfeed.router import router as sync_router

    return [sync_router, customers_router, stock_router, products_router]


def _routers() -> list:  # type: ignore[type-arg]
    from sync.server.channel.router import router as channel_router
    from sync.server.contacts.router import admin_router as contacts_admin_router
    from sync.server.contacts.router import channel_router as contacts_channel_router
    from sync.server.contacts.router import device_router as contacts_device_router
    from sync.server.customers.router import admin_router as customers_admin_router
    from sync.server.omni.router import router as omni_router
    from sync.server.operations.router import router as operations_router
    from sync.server.points.router import router as points_router
    from sync.server.reports.router import router as reports_router
    from sync.server.stock.router import admin_router as stock_admin_router

    return [
        *hot_routers(),
        stores_router,
        auth_admin_router,
        device_router,
        customers_admin_router,
        points_router,
        stock_admin_router,
        channel_router,
        contacts_channel_router,
        contacts_device_router,
        contacts_admin_router,
        omni_router,
        reports_router,
        operations_router,
    ]


def _install_health(app: FastAPI) -> None:
    # Health checks that arrive while one is being answered share its answer: anyone may ask, no
    # admission place is taken (a monitor must see a busy worker), and each answer costs a few ms of
    # database work (the dead letters and the feed lag), so a flood of them is one check at a time.
    in_flight: asyncio.Future[Health] | None = None

    @app.get("/healthz", response_model=Health, tags=["ops"])
    async def healthz() -> Health:
        """Whether the server is up and its database answers."""
        nonlocal in_flight
        if in_flight is None or in_flight.done():
            database: Database = app.state.database
            in_flight = asyncio.ensure_future(database.read(health_report, app.state.engine.dialect.name))
        return await asyncio.shield(in_flight)  # one caller leaving does not cancel the others' answer


def health_report(session: Session, database: str) -> Health:
    """The answer of ``/healthz``, asked of the database now."""
    from sync.server.operations.service import feed_lag, open_dead_letters

    session.execute(text("SELECT 1"))
    dead, (_latest, lag, _behind) = open_dead_letters(session), feed_lag(session)
    return Health(
        status="ok",
        database=database,
        dead_letters=dead,
        feed_lag_seconds=lag,
        version=software_version(),
        protocol=PROTOCOL_VERSION,
    )


def _add_problem_schema(app: FastAPI) -> None:
    original = app.openapi

    def openapi() -> dict:  # type: ignore[type-arg]
        if app.openapi_schema is None:
            schema = original()
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components.setdefault(
                "Problem", Problem.model_json_schema(ref_template="#/components/schemas/{model}")
            )
            for name, definition in (
                Problem.model_json_schema(ref_template="#/components/schemas/{model}")
                .get("$defs", {})
                .items()
            ):
                components.setdefault(name, definition)
            components["Problem"].pop("$defs", None)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def create_app_from_env() -> FastAPI:
    """Factory for ``uvicorn --factory`` (multi-worker runs read settings from the environment).

    Worker processes are spawned afresh: without this they would log with Python's defaults, which
    print an exception's full text (SQL parameters, the failing row) instead of ``logs.JsonFormatter``'s.
    """
    from sync.server.logs import configure_logging

    settings = load_settings()
    configure_logging(settings.log_level)
    app = create_app(settings)
    tune_collector()
    return app


YOUNG_COLLECTION_THRESHOLD = 50_000
"""Container allocations between young collections (Python's default: 700)."""


def tune_collector() -> None:
    """Make the garbage collector cheap for a server process (bench/SYNC.md, "The garbage collector").

    A push of 1,000 sales holds tens of container objects per sale until it ends, so with Python's
    defaults it set off full collections that walked the whole heap (227,000 objects after start-up)
    and freed almost nothing: a third of the push's CPU. Everything made at start-up (modules, the
    app, its routes) lives as long as the process: frozen, no collection walks it again; and young
    collections run after 50,000 allocations instead of 700. Only the server's own processes call
    this (``create_app_from_env``): a test process making hundreds of apps must still collect them.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, *gc.get_threshold()[1:])
