"""Upgrade a database to the newest schema and make sure the rows every server needs exist."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from sync.server.changes import service as changes_service
from sync.server.stores.models import ONLINE_CODE, Store

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config() -> Config:
    """An Alembic config pointing at the migrations inside this package."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def upgrade(engine: Engine) -> None:
    """Apply every pending migration, then bootstrap the epoch and the online warehouse."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    with Session(engine) as session:
        bootstrap(session)
        session.commit()


def bootstrap(session: Session) -> None:
    """Create the server epoch and the ``ONLINE`` location if they are missing."""
    changes_service.server_epoch(session)
    if session.scalar(select(Store.id).where(Store.code == ONLINE_CODE)) is None:
        session.add(
            Store(code=ONLINE_CODE, name="オンラインストア倉庫", kind="online", registration_number=None)
        )
        session.flush()
