"""Migration 0008 on a database with data: money and points widen to 64 bits on PostgreSQL, devices
keep the register number they were given (their place in the store's pairing order), and it goes
down and up again."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sync.server.db.migrate import alembic_config
from sync.server.db.session import make_engine
from sync.server.stores.models import Store

BEFORE = "0007_contacts"


@pytest.fixture(params=["sqlite", pytest.param("pg", marks=pytest.mark.pg)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
        yield engine
        engine.dispose()
        return
    from tests.conftest import PG_ADMIN_URL, _pg_connect

    try:
        admin = _pg_connect(PG_ADMIN_URL)
    except Exception as exc:  # noqa: BLE001  # pragma: no cover - depends on the machine
        pytest.skip(f"PostgreSQL not reachable: {exc}")
    name = f"omnipos_mig_{uuid.uuid4().hex[:12]}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    engine = make_engine(f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}")
    try:
        yield engine
    finally:
        engine.dispose()
        with _pg_connect(PG_ADMIN_URL) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _migrate(engine: Engine, target: str, *, down: bool = False) -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, target)


def test_register_numbers_are_kept_and_money_is_widened(engine: Engine) -> None:
    _migrate(engine, BEFORE)
    with Session(engine) as session:
        session.add_all([Store(code="S001", name="渋谷店"), Store(code="S002", name="新宿店")])
        session.commit()
        ids: dict[str, int] = dict(session.execute(text("SELECT code, id FROM stores")).all())
    early, late = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC)
    devices = [("a", "S001", late), ("b", "S001", early), ("c", "S001", late), ("d", "S002", late)]
    with engine.begin() as connection:
        for key, store, created in devices:
            connection.execute(
                text("INSERT INTO devices (id, store_id, name, token_hash, created_at) "
                     "VALUES (:id, :store, 'レジ', :hash, :created)"),
                {"id": key * 36, "store": ids[store], "hash": key * 64, "created": created},
            )  # fmt: skip

    _migrate(engine, "head")
    with engine.connect() as connection:
        numbers: dict[str, int] = dict(connection.execute(text("SELECT id, register_no FROM devices")).all())
        assert numbers == {"a" * 36: 2, "b" * 36: 1, "c" * 36: 3, "d" * 36: 1}
        if engine.dialect.name == "postgresql":
            kinds: dict[str, str] = dict(
                connection.execute(
                    text("SELECT table_name || '.' || column_name, data_type FROM information_schema.columns "
                         "WHERE column_name IN ('balance', 'total', 'points', 'balance_after', 'quantity')")
                ).all()
            )  # fmt: skip
            for column in ("points_accounts.balance", "store_sales.total", "points_entries.balance_after",
                           "online_orders.total", "stock_levels.quantity", "points_holds.points"):  # fmt: skip
                assert kinds[column] == "bigint", column
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text("UPDATE devices SET register_no = 1 WHERE id = :id"), {"id": "a" * 36})

    _migrate(engine, BEFORE, down=True)
    _migrate(engine, "head")
