"""Fixtures for the server: an app per test on SQLite and on PostgreSQL, and helpers to call it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio.to_thread
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from sync.server.app import create_app
from sync.server.auth import service as auth_service
from sync.server.config import Settings
from sync.server.db.base import Base
from sync.server.db.migrate import bootstrap, upgrade
from sync.server.db.session import make_engine

BACKENDS = ["sqlite", pytest.param("pg", marks=pytest.mark.pg)]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite database, copied for every test (migrating once keeps the suite fast)."""
    path = tmp_path_factory.mktemp("template") / "server.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_migrated(pg_url: str) -> str:
    """The session's PostgreSQL database, migrated once."""
    engine = make_engine(pg_url)
    upgrade(engine)
    engine.dispose()
    return pg_url


def truncate_all(engine: Engine) -> None:
    """Empty every table of a PostgreSQL database (ids restart), then bootstrap again."""
    names = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    with Session(engine) as session:
        bootstrap(session)
        session.commit()


@dataclass
class Api:
    """A test client with the tokens of the three kinds of caller and helpers to set up data."""

    client: TestClient
    admin_token: str
    _device_tokens: dict[str, str] = field(default_factory=dict)
    _channel_key: str | None = None
    backend: str = "sqlite"

    @property
    def admin(self) -> dict[str, str]:
        """Headers for HQ."""
        return {"Authorization": f"Bearer {self.admin_token}"}

    def device(self, store: str = "S001") -> dict[str, str]:
        """Headers for a device paired with ``store`` (made on first use)."""
        if store not in self._device_tokens:
            self.store(store)
            code = self.client.post(f"/v1/admin/stores/{store}/pairing-codes", headers=self.admin).json()[
                "code"
            ]
            answer = self.client.post(
                "/v1/devices/pair", json={"pairing_code": code, "device_name": f"レジ {store}"}
            )
            assert answer.status_code == 201, answer.text
            self._device_tokens[store] = answer.json()["token"]
        return {"Authorization": f"Bearer {self._device_tokens[store]}"}

    @property
    def channel(self) -> dict[str, str]:
        """Headers for the online shop."""
        if self._channel_key is None:
            answer = self.client.post("/v1/admin/channels", json={"name": "webshop"}, headers=self.admin)
            assert answer.status_code == 201, answer.text
            self._channel_key = answer.json()["api_key"]
        return {"Authorization": f"Bearer {self._channel_key}"}

    def store(self, code: str = "S001", name: str = "渋谷店") -> None:
        """Create (or update) a store."""
        body = {"code": code, "name": name, "registration_number": "T7000012050002", "timezone": "Asia/Tokyo"}
        answer = self.client.post("/v1/admin/stores", json=body, headers=self.admin)
        assert answer.status_code == 201, answer.text

    def products(self, *items: dict[str, Any]) -> None:
        """Upsert products."""
        answer = self.client.post("/v1/admin/products", json=list(items), headers=self.admin)
        assert answer.status_code == 200, answer.text

    def customer(self, store: str = "S001", **fields: Any) -> dict[str, Any]:
        """Register a customer from a device of ``store``."""
        body = {"name": "山田太郎", "name_kana": "ヤマダタロウ", **fields}
        answer = self.client.post("/v1/customers", json=body, headers=self.device(store))
        assert answer.status_code == 201, answer.text
        return dict(answer.json())

    def session(self) -> Session:
        """A session on the app's database."""
        factory = self.client.app.state.session_factory  # type: ignore[attr-defined]
        session: Session = factory()
        return session

    def give_points(self, customer_id: int, points: int) -> None:
        """Credit points directly through the ledger service."""
        from sync.server.points import service as points_service

        with self.session() as session:
            points_service.adjust(
                session,
                customer_id=customer_id,
                points=points,
                idempotency_key=f"gift:{customer_id}:{points}",
                reason="test",
            )
            session.commit()


def product(sku: str, price: int, tax_class: str = "standard", **fields: Any) -> dict[str, Any]:
    """A product body."""
    return {
        "sku": sku,
        "name": f"商品{sku}",
        "name_kana": "ショウヒン",
        "price": price,
        "tax_class": tax_class,
        **fields,
    }


@pytest.fixture(params=BACKENDS)
def api(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Api]:
    """An app on a fresh database of each backend, with an admin token."""
    url = _url_for(request, tmp_path)
    app = create_app(Settings(database_url=url, data_dir=tmp_path, migrate_on_start=False))
    with app.state.session_factory() as session:
        token = auth_service.create_admin_token(session, label="tests")
        session.commit()
    with TestClient(app) as client:
        yield Api(client=client, admin_token=token, backend=request.param)


def _url_for(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        target = tmp_path / "server.sqlite3"
        shutil.copy(template, target)
        return f"sqlite:///{target}"
    url: str = request.getfixturevalue("pg_migrated")
    engine = make_engine(url)
    truncate_all(engine)
    engine.dispose()
    return url


def pull_to_end(api: Api, device: dict[str, str], cursor: str = "") -> tuple[str, list[str]]:
    """Pull pages until the feed has no more (never a resync); the last cursor and every key served."""
    keys: list[str] = []
    while True:
        page = api.client.get("/v1/sync/pull", params={"cursor": cursor}, headers=device).json()
        assert not page["resync"], page
        keys += [change["key"] for change in page["changes"]]
        cursor = page["cursor"]
        if not page["has_more"]:
            return cursor, keys


@pytest.fixture
def hops(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The functions handed to the threadpool (Starlette's and FastAPI's hops all go through anyio)."""
    seen: list[str] = []
    run_sync = anyio.to_thread.run_sync

    async def counted(function: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(getattr(function, "__qualname__", repr(function)))
        return await run_sync(function, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
    return seen
