"""Pooled PostgreSQL connections are tested before use only after sitting idle (``db.session``).

Every check-out used to send a ping: a round trip per request as costly as a look-up's query. A
connection killed while idle (a PostgreSQL restart, a firewall's idle timeout) must still be
replaced before a request gets it.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from sync.server.db import session as db_session
from sync.server.db.session import make_engine

pytestmark = pytest.mark.pg


def test_a_connection_used_a_moment_ago_is_not_pinged(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = make_engine(pg_url, pool_size=1)
    pings: list[int] = []
    real_ping = engine.dialect.do_ping

    def counted_ping(connection: Any) -> bool:
        pings.append(1)
        return bool(real_ping(connection))

    monkeypatch.setattr(engine.dialect, "do_ping", counted_ping)
    for _ in range(5):
        with engine.connect() as connection:
            assert connection.scalar(text("SELECT 1")) == 1
    assert pings == []
    monkeypatch.setattr(db_session, "IDLE_PING_SECONDS", 0.0)  # now every returned connection counts as idle
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT 1")) == 1
    assert pings == [1]
    engine.dispose()


def test_an_idle_connection_killed_meanwhile_is_replaced_before_use(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(pg_url, pool_size=1)
    with engine.connect() as connection:
        first_pid = connection.scalar(text("SELECT pg_backend_pid()"))
    killer = make_engine(pg_url, pool_size=1)
    with killer.connect() as connection:
        assert connection.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": first_pid})
    killer.dispose()
    monkeypatch.setattr(db_session, "IDLE_PING_SECONDS", 0.0)
    with engine.connect() as connection:  # no error: the dead connection was found and replaced
        assert connection.scalar(text("SELECT pg_backend_pid()")) != first_pid
    engine.dispose()
