"""Opening terminal databases: old files upgrade intact; damaged, foreign or newer files are refused at open."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from posapp.domain.tender import TenderKind
from posapp.services import Terminal
from posapp.store import DatabaseTooNew, DatabaseUnreadable, StorageFull, open_database
from posapp.store.models import OutboxEvent, Sale
from tests.services.conftest import CASHIER, FakeClock

FIXTURES = Path(__file__).parent / "fixtures"


def test_first_schema_file_upgrades_with_its_data(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "terminal-schema-0001.db", tmp_path / "terminal.db")
    terminal = Terminal.open(tmp_path, clock=FakeClock())
    with terminal.db.read() as session:
        sale = session.scalar(select(Sale))
        assert sale is not None and sale.receipt_no == "S001-02-000001"
        assert [line.sku for line in sale.lines] == ["SKU-ONIGIRI", "SKU-DETERGENT"]
        assert session.scalar(select(func.count()).select_from(OutboxEvent)) == 1
    terminal.sign_in(code=CASHIER[0], pin=CASHIER[1])
    sale = terminal.start_sale()
    sale.scan("4901234567801")
    sale.add_tender(TenderKind.CASH, 151)
    assert sale.complete().receipt_no == "S001-02-000002"
    assert terminal.search_products("おにぎり")[0].sku == "SKU-ONIGIRI"


def test_pragmas_make_commits_durable(tmp_path: Path) -> None:
    db = open_database(tmp_path / "t.db")
    with db.read() as session:
        connection = session.connection()
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    db.close()


def test_a_file_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    open_database(path).close()
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(DatabaseTooNew):
        open_database(path)


def test_a_foreign_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    path.write_bytes(b"this is a spreadsheet, not a database" * 100)
    with pytest.raises(DatabaseUnreadable):
        open_database(path)


def test_a_truncated_file_is_refused_at_open(tmp_path: Path) -> None:
    path = tmp_path / "terminal.db"
    shutil.copy(FIXTURES / "terminal-schema-0001.db", path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(DatabaseUnreadable):
        open_database(path)


def test_a_full_disk_stops_the_sale_cleanly(signed_in: Terminal) -> None:
    with signed_in.db.read() as session:
        pages = session.connection().exec_driver_sql("PRAGMA page_count").scalar()
    signed_in.db.engine.dispose()

    @event.listens_for(signed_in.db.engine, "connect")
    def _cap(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    sale = signed_in.start_sale()
    sale.scan("4901234567801")
    sale.set_quantity(0, 999)
    sale.add_tender(TenderKind.CASH, sale.totals.amount_due)
    with pytest.raises(StorageFull):  # noqa: PT012 - the sale that meets the full disk is not known beforehand
        for _ in range(50):  # a few sales may still fit in free pages; the disk fills within a few
            sale.complete()
    signed_in.db.engine.dispose()
    event.remove(signed_in.db.engine, "connect", _cap)
    with signed_in.db.read() as session:
        seqs = list(session.scalars(select(Sale.receipt_seq).order_by(Sale.receipt_seq)))
        events = session.scalar(select(func.count()).select_from(OutboxEvent))
    assert seqs == list(range(1, len(seqs) + 1)) and events == len(seqs)


def test_schema_head_is_the_newest_migration() -> None:
    from alembic.script import ScriptDirectory

    from posapp.store.db import SCHEMA_HEAD, alembic_config

    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == SCHEMA_HEAD


def test_a_database_at_the_newest_schema_opens_without_alembic(tmp_path: Path) -> None:
    open_database(tmp_path / "t.db").close()
    code = (
        "import sys; from pathlib import Path; from posapp.store.db import open_database; "
        f"open_database(Path({str(tmp_path / 't.db')!r})).close(); "
        "print(any(name == 'alembic' or name.startswith('alembic.') for name in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
