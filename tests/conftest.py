"""Fixtures shared by the whole suite: a private PostgreSQL database per test session."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PG_ADMIN_URL = os.environ.get("POSAPP_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _pg_connect(url: str):  # type: ignore[no-untyped-def]
    import psycopg

    return psycopg.connect(url, autocommit=True, connect_timeout=3)


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A SQLAlchemy URL to a fresh, empty PostgreSQL database, dropped after the session.

    Each session gets its own database so that parallel runs on one server never see each other.
    Under CI a missing server is a failure, not a skip.
    """
    try:
        admin = _pg_connect(PG_ADMIN_URL)
    except Exception as exc:  # pragma: no cover - depends on the machine
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required under CI and is not reachable: {exc}")
        pytest.skip(f"PostgreSQL not reachable at {PG_ADMIN_URL}: {exc}")
    name = f"omnipos_test_{uuid.uuid4().hex[:12]}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base.replace('postgresql://', 'postgresql+psycopg://', 1)}/{name}"
    finally:
        with _pg_connect(PG_ADMIN_URL) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
