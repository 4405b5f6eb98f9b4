"""Fixtures shared by the whole suite: a private PostgreSQL database per test session; no system fonts."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _hide_system_fonts() -> Path:
    """Make the machine's fonts invisible, so every test renders with the fonts OmniPOS ships.

    A developer's machine with Debian's fonts-noto-cjk and a fresh CI box without it must draw the same
    receipts, window and chart. Qt and Chromium (the HQ browser tests) find fonts through fontconfig: they
    get a configuration whose only folder is OmniPOS's own font folder (a browser with no font at all lays
    buttons out with no width). ``tests/test_fonts.py`` also runs the terminal with no font folder at all.
    """
    from posapp.resources import FONT_DIR

    folder = Path(tempfile.mkdtemp(prefix="omnipos-fontconfig-"))
    config = folder / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f"<fontconfig><dir>{FONT_DIR}</dir><cachedir>{folder / 'cache'}</cachedir></fontconfig>\n",
        encoding="utf-8",
    )
    os.environ["FONTCONFIG_FILE"] = str(config)
    os.environ.pop("FONTCONFIG_PATH", None)
    return config


FONTCONFIG_FILE = _hide_system_fonts()


def _patient_wait_until() -> None:
    """Give ``qtbot.waitUntil`` 20 s by default instead of pytest-qt's 5 s.

    It returns as soon as the condition holds, so a passing test is no slower; on a 2-core CI box
    running a live server beside the window, 5 s failed tests whose behaviour was right.
    """
    from pytestqt.qtbot import QtBot

    wait_until = QtBot.waitUntil

    def patient(self: QtBot, callback, *, timeout: int = 20_000) -> None:  # type: ignore[no-untyped-def]
        wait_until(self, callback, timeout=timeout)

    QtBot.waitUntil = patient  # type: ignore[method-assign]


_patient_wait_until()

# `make check` runs `-m "not slow and not pg"`: besides the tests marked slow where they are written, a test
# that starts the server as a process (the `server` and `live` fixtures) or drives a browser (`browser`)
# takes seconds, so it is slow wherever it is.
SLOW_FIXTURES = frozenset({"server", "live", "browser"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


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
    except Exception as exc:  # noqa: BLE001  # pragma: no cover - depends on the machine
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
