"""Engines and sessions: one engine per app, SQLite with WAL and foreign keys, PostgreSQL via psycopg 3."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

from sync.server.changes.service import install_change_log_writer
from sync.server.reports.calendar import SQLITE_FUNCTION, local_date_text


def make_engine(url: str, *, pool_size: int = 10) -> Engine:
    """An engine for ``url``; SQLite files get WAL, foreign keys and a busy timeout.

    ``hide_parameters``: a failed statement's exception (and so any log of it) would otherwise list
    its parameters, which are members' names, e-mail addresses and phone numbers.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"timeout": 30, "check_same_thread": False}, hide_parameters=True
        )
        _install_sqlite_pragmas(engine)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    engine = create_engine(parsed, pool_size=pool_size, max_overflow=pool_size, hide_parameters=True)
    _ping_idle_connections(engine)
    return engine


IDLE_PING_SECONDS = 10.0
"""A pooled connection unused for longer is tested before it is handed out (see ``_ping_idle_connections``)."""
_RETURNED_AT = "omnipos_returned_at"


def _ping_idle_connections(engine: Engine) -> None:
    """Test a pooled connection before use only when it sat idle for ``IDLE_PING_SECONDS`` or more.

    ``pool_pre_ping`` tests every check-out: a round trip as costly as a look-up's own query, on every
    request (bench/REQUESTS.md). A connection the pool used a moment ago is almost surely alive; one
    that sat idle may have been closed by a PostgreSQL restart, a failover or a firewall's idle
    timeout, and is replaced before use. If PostgreSQL restarts under load, a request already holding a
    just-used connection fails once; SQLAlchemy then discards every connection older than that error.
    """

    @event.listens_for(engine, "checkin")
    def returned(dbapi_connection: Any, record: Any) -> None:  # noqa: ARG001 - SQLAlchemy event signature
        record.info[_RETURNED_AT] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def checked_out(dbapi_connection: Any, record: Any, proxy: Any) -> None:  # noqa: ARG001 - event signature
        returned_at = record.info.get(_RETURNED_AT)
        if returned_at is None or time.monotonic() - returned_at < IDLE_PING_SECONDS:
            return  # new, or used a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # any failure: the pool reconnects (up to three tries)
            raise DisconnectionError("an idle pooled connection did not answer") from error


def _install_sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, connection_record: Any) -> None:  # noqa: ARG001 - SQLAlchemy's connect event signature
        # Let SQLAlchemy own transactions; BEGIN IMMEDIATE makes writers queue instead of failing.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        # Reports group by the calendar day in a store's time zone in SQL; SQLite needs it as a function.
        dbapi_connection.create_function(SQLITE_FUNCTION, 2, local_date_text, deterministic=True)

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions bound to ``engine`` that append pending change-log rows when they commit."""
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    install_change_log_writer(factory)
    return factory
