"""Opening a terminal database: pragmas for durability, integrity check, migrations to the newest schema.

A corrupted, truncated or foreign file is refused here, at open, with a clear error, never in the
middle of a sale. ``synchronous=FULL`` with WAL makes a committed sale survive a power cut.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from posapp.domain.errors import DomainError
from posapp.store import fts

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
BUSY_TIMEOUT_MS = 5_000
CHECKPOINT_SECONDS = 5.0
JOURNAL_SIZE_LIMIT = 64 * 1024 * 1024
# The newest migration. A database already at it opens without importing Alembic (a quarter of a
# second of the terminal's cold start); tests/store/test_database.py keeps it equal to the scripts' head.
SCHEMA_HEAD = "history_cache"
log = logging.getLogger(__name__)


class DatabaseError(DomainError):
    """The terminal database cannot be used."""

    message_key = "error.database"


class DatabaseUnreadable(DatabaseError):
    """The file is not a terminal database, or it is damaged (truncated, corrupted)."""

    message_key = "error.database.unreadable"


class DatabaseTooNew(DatabaseError):
    """The file was written by a newer OmniPOS than this one."""

    message_key = "error.database.too_new"


class StorageFull(DatabaseError):
    """The disk is full: nothing was written."""

    message_key = "error.database.full"


def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # Transactions are begun by us (see _on_begin), so sqlite3's implicit BEGIN is switched off.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.execute("PRAGMA foreign_keys = ON")
    # Checkpoints copy the WAL into the database file and fsync it: done by the committing sale they
    # add 50–150 ms to one sale in a few hundred. The Database's own background thread does them.
    cursor.execute("PRAGMA wal_autocheckpoint = 0")
    # After a checkpoint has emptied it, the WAL file is cut back to this size (a catalog download
    # grows it to hundreds of MB, which would otherwise stay on disk until the terminal closes).
    cursor.execute(f"PRAGMA journal_size_limit = {JOURNAL_SIZE_LIMIT}")
    cursor.close()
    fts.register_functions(dbapi_connection)


def _on_begin(connection: Any) -> None:
    # Writers take the write lock up front: a deferred transaction that later upgrades can fail with
    # SQLITE_BUSY without waiting, which would surface as an error in the middle of a sale.
    mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
    connection.exec_driver_sql(f"BEGIN {mode}")


def alembic_config() -> Config:
    """An Alembic config for the terminal schema."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


class Database:
    """A terminal's SQLite file: ``read()`` and ``write()`` give sessions; writes are serialised."""

    def __init__(self, path: Path, engine: Engine, *, checkpoint_every: float = CHECKPOINT_SECONDS) -> None:
        self.path = path
        self.engine = engine
        self._reader = sessionmaker(engine, expire_on_commit=False)
        self._writer = sessionmaker(
            engine.execution_options(sqlite_begin="IMMEDIATE"), expire_on_commit=False
        )
        self._closed = threading.Event()
        self._local = threading.local()
        self._lookup_connections: list[sqlite3.Connection] = []
        self._lookup_lock = threading.Lock()
        self.full_check_result = "pending"
        self._checkpointer = threading.Thread(
            target=self._checkpoint_loop, args=(checkpoint_every,), name="sqlite-checkpoint", daemon=True
        )
        self._checkpointer.start()

    def checkpoint(self, mode: str = "PASSIVE") -> None:
        """Copy committed WAL pages into the database file (PASSIVE never blocks a sale)."""
        with self.engine.connect() as connection:
            connection.exec_driver_sql(f"PRAGMA wal_checkpoint({mode})")

    def _checkpoint_loop(self, every: float) -> None:
        self.full_check_result = full_check(self.engine) if not self._closed.wait(1.0) else "skipped"
        if self.full_check_result not in ("ok", "skipped"):
            log.error("terminal database check: %s", self.full_check_result)
        while not self._closed.wait(every):
            try:
                self.checkpoint()
            except Exception:  # a busy or closing database: try again next time
                log.debug("checkpoint skipped", exc_info=True)

    def lookups(self) -> sqlite3.Connection:
        """This thread's connection for one-statement reads, in autocommit (a scan's product look-up).

        A scan is one indexed read; a session around it (pool checkout, BEGIN, ROLLBACK, SQLAlchemy's
        statement machinery) costs ten times what SQLite takes to answer. Read the result at once: a
        cursor left half-read holds a read transaction open.
        """
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
            )
            _on_connect(connection, None)
            with self._lookup_lock:
                self._lookup_connections.append(connection)
            self._local.connection = connection
        return connection

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; nothing it does is committed."""
        with self._reader() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose work is committed as one transaction when the block ends without error."""
        try:
            with self._writer() as session, session.begin():
                yield session
        except OperationalError as error:
            raise _translate(error) from error

    def close(self) -> None:
        """Checkpoint and release the file."""
        self._closed.set()
        self._checkpointer.join(timeout=5)
        with self._lookup_lock:
            for connection in self._lookup_connections:
                connection.close()
            self._lookup_connections.clear()
        try:
            self.checkpoint("TRUNCATE")
        except Exception:
            log.debug("final checkpoint skipped", exc_info=True)
        self.engine.dispose()


def _translate(error: DBAPIError) -> Exception:
    text = str(error.orig).lower()
    if "full" in text:
        return StorageFull("the disk is full; nothing was saved")
    if "not a database" in text or "malformed" in text:
        return DatabaseUnreadable("the terminal database is damaged")
    return error


DATABASE_FILE = "terminal.db"
"""The database's file name in the terminal's data folder (backups, restores and resets name it too)."""


def open_database(path: Path) -> Database:
    """Open (creating if needed) and upgrade the database at ``path``; refuse a damaged or newer file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        f"sqlite:///{path}",
        poolclass=QueuePool,
        pool_size=4,
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
    )
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    try:
        _check_integrity(engine, path)
        _migrate(engine)
    except DBAPIError as error:
        engine.dispose()
        raise DatabaseUnreadable(
            f"the terminal database cannot be read: {error.orig}", value=str(path)
        ) from error
    except DatabaseError:
        engine.dispose()
        raise
    return Database(path, engine)


# The terminal's own facts: checked page by page at every open. The cache (a million products at
# most) is checked by the background thread right after: re-downloadable, and 0.9 s at start.
FACT_TABLES = ("counters", "sales", "sale_lines", "payments", "cash_movements", "closings", "outbox")


def _check_integrity(engine: Engine, path: Path) -> None:
    with engine.connect() as connection:
        page_size = connection.exec_driver_sql("PRAGMA page_size").scalar_one()
        pages = connection.exec_driver_sql("PRAGMA page_count").scalar_one()
        # With committed pages still in the WAL the main file is legitimately shorter (after a power
        # cut, say), so the size only tells truncation when the WAL is empty.
        wal = path.with_name(path.name + "-wal")
        wal_empty = not wal.exists() or wal.stat().st_size == 0
        if wal_empty and path.exists() and path.stat().st_size < page_size * pages:
            raise DatabaseUnreadable("the terminal database file is truncated", value=str(path))
        tables = set(
            connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'").scalars()
        )
        for table in FACT_TABLES if "sales" in tables else ():
            result = connection.exec_driver_sql(f"PRAGMA quick_check({table})").scalar()
            if result != "ok":
                raise DatabaseUnreadable(f"the terminal database is damaged: {result}", value=str(path))


def full_check(engine: Engine) -> str:
    """SQLite's quick_check over every table ("ok" when sound)."""
    with engine.connect() as connection:
        return str(connection.exec_driver_sql("PRAGMA quick_check").scalar())


def _schema_version(engine: Engine) -> str | None:
    with engine.connect() as connection:
        known = connection.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).scalar()
        if not known:
            return None
        return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def _migrate(engine: Engine) -> None:
    if _schema_version(engine) == SCHEMA_HEAD:
        return
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = alembic_config()
    script = ScriptDirectory.from_config(config)
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    if current is not None and current not in {rev.revision for rev in script.walk_revisions()}:
        raise DatabaseTooNew(f"this database was made by a newer OmniPOS (schema {current})", value=current)
    if current == script.get_current_head():
        return
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
