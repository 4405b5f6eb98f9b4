"""A 500 leaves no personal data in the server log: no SQL parameters, no failing row, no e-mail or phone.

The database is made to refuse one member's registration (a trigger on SQLite, a check constraint on
PostgreSQL, whose error adds a ``DETAIL`` line with the whole row); the real server process, with
two workers as in production, answers 500 and its log is read.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import requests
from sqlalchemy import create_engine, text

from sync.server.logs import redacted_traceback, safe_message, scrub
from tests.sync.conftest import LiveServer
from tests.sync.conftest import server as server  # the live server fixture

MEMBER = {
    "name": "渡辺 美咲",
    "name_kana": "ワタナベ ミサキ",
    "email": "misaki.watanabe@forced-failure.example",
    "phone": "080-9876-5432",
}
PERSONAL = ["渡辺", "美咲", "ワタナベ", "misaki", "forced-failure.example", "9876", "5432", "08098765432"]


@pytest.fixture(autouse=True)
def two_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers are spawned processes: they must set up the redacting log themselves."""
    monkeypatch.setenv("POSAPP_WORKERS", "2")


@pytest.fixture
def failing_registration(server: LiveServer) -> Iterator[str]:
    """Make the database refuse customers with this e-mail domain; yields the constraint's name."""
    engine = create_engine(server.database_url)
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            connection.execute(text(
                "CREATE TRIGGER forced_failure BEFORE INSERT ON customers "
                "WHEN NEW.email LIKE '%forced-failure.example' BEGIN SELECT RAISE(ABORT, 'forced_failure'); END"
            ))  # fmt: skip
        else:
            connection.execute(text(
                "ALTER TABLE customers ADD CONSTRAINT forced_failure "
                "CHECK (email IS NULL OR email NOT LIKE '%forced-failure.example')"
            ))  # fmt: skip
    try:
        yield "forced_failure"
    finally:
        with engine.begin() as connection:
            if engine.dialect.name == "sqlite":
                connection.execute(text("DROP TRIGGER forced_failure"))
            else:
                connection.execute(text("ALTER TABLE customers DROP CONSTRAINT forced_failure"))
        engine.dispose()


def test_a_database_error_500_logs_no_personal_data(server: LiveServer, failing_registration: str) -> None:
    _device, token = server.pair("S001", "レジ01")
    log_file = server.data_dir / "server.log"
    before = log_file.stat().st_size
    answer = requests.post(
        server.url + "/v1/customers", json=MEMBER, headers={"Authorization": f"Bearer {token}"}, timeout=30
    )
    assert answer.status_code == 500
    assert not any(word in answer.text for word in PERSONAL)

    def written() -> str:
        with log_file.open("rb") as handle:
            handle.seek(before)
            return handle.read().decode("utf-8", "replace")

    deadline = time.monotonic() + 5  # another worker may write its lines a moment later
    while failing_registration not in written() and time.monotonic() < deadline:
        time.sleep(0.1)
    log = written()
    assert failing_registration in log, "the error itself is logged (type, constraint, SQL text)"
    assert "INSERT INTO customers" in log
    leaked = [
        word for word in PERSONAL if word in log or word in log.encode().decode("unicode_escape", "ignore")
    ]
    assert leaked == [], f"personal data in the log: {leaked}\n{log[-3000:]}"


def test_a_statement_error_is_told_without_parameters_or_the_failing_row() -> None:
    """The formatting on its own, for the shapes PostgreSQL and SQLite produce."""
    import sqlite3

    from sqlalchemy.exc import IntegrityError

    try:
        try:
            raise sqlite3.IntegrityError(
                'new row for relation "customers" violates check constraint "c"\n'
                "DETAIL:  Failing row contains (7, 渡辺 美咲, misaki@example.jp, 08098765432)."
            )
        except sqlite3.IntegrityError as driver_error:
            raise IntegrityError(
                "INSERT INTO customers (name, email) VALUES (?, ?)",
                ("渡辺 美咲", "misaki@example.jp"),
                driver_error,
            ) from driver_error
    except IntegrityError as error:
        told = redacted_traceback(error)
    assert "violates check constraint" in told and "INSERT INTO customers" in told
    assert "渡辺" not in told and "misaki" not in told and "08098765432" not in told
    assert (
        scrub('invalid input syntax for type integer: "渡辺"') == "invalid input syntax for type integer: …"
    )
    assert scrub("no member 090-1234-5678 or a@b.example") == "no member <number> or <email>"
    assert "渡辺" not in safe_message(ValueError("bad: '渡辺'"))
