"""The change-feed lag that ``/healthz`` and the operations status report: which terminals count, how
old their oldest unpulled change is, and a cost that does not grow with the number of terminals."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import event, func, select, update

from sync.server.auth.models import Device
from sync.server.changes.models import ChangeLog
from sync.server.db.base import utcnow
from tests.server.conftest import Api, product


def _devices(api: Api, *stores: str) -> list[int]:
    for store in stores:
        api.device(store)
    with api.session() as session:
        return list(session.scalars(select(Device.id).order_by(Device.id)))


def _place(api: Api, device_id: int, **values: Any) -> None:
    with api.session() as session:
        session.execute(update(Device).where(Device.id == device_id).values(**values))
        session.commit()


def _newest(api: Api) -> int:
    with api.session() as session:
        return int(session.scalar(select(func.max(ChangeLog.id))) or 0)


def _age_newest(api: Api, seconds: int) -> None:
    with api.session() as session:
        newest = _newest(api)
        session.execute(
            update(ChangeLog)
            .where(ChangeLog.id == newest)
            .values(created_at=utcnow() - timedelta(seconds=seconds))
        )
        session.commit()


def _lag(api: Api) -> tuple[float | None, int]:
    health = api.client.get("/healthz").json()
    status = api.client.get("/v1/admin/operations/status", headers=api.admin).json()
    said = (health["feed_lag_seconds"], status["feed_lag_seconds"])
    assert said[0] == said[1] or abs(said[0] - said[1]) < 5, said  # asked a moment apart
    return status["feed_lag_seconds"], status["devices_behind"]


def test_the_lag_is_the_oldest_unpulled_change_of_each_active_terminals_own_feed(api: Api) -> None:
    api.products(product("A1", 138))
    shibuya, shinjuku = _devices(api, "S001", "S002")
    now = utcnow()
    for device in (shibuya, shinjuku):
        _place(api, device, feed_position=_newest(api), last_seen_at=now)
    assert _lag(api) == (0.0, 0)

    moved = {"location": "S002", "sku": "A1", "delta": 3, "reason": "receive"}
    assert api.client.post("/v1/admin/stock", json=moved, headers=api.admin).status_code == 201
    _age_newest(api, 600)  # only S002's terminal has it to pull
    lag, behind = _lag(api)
    assert lag is not None and 600 <= lag < 700 and behind == 1

    api.products(product("A1", 150))  # a chain-wide change, younger: both are behind now
    _age_newest(api, 60)
    lag, behind = _lag(api)
    assert lag is not None and 600 <= lag < 700 and behind == 2

    _place(api, shinjuku, revoked_at=now)  # a revoked terminal does not count
    lag, behind = _lag(api)
    assert lag is not None and 60 <= lag < 160 and behind == 1
    _place(api, shibuya, last_seen_at=now - timedelta(days=2))  # nor one not seen for a day
    assert _lag(api) == (None, 0)


def test_the_lag_costs_the_same_statements_for_two_terminals_or_six(api: Api) -> None:
    api.products(product("A1", 138))
    engine = api.client.app.state.engine  # type: ignore[attr-defined]
    statements: list[str] = []

    def counted(*args: Any) -> None:
        statements.append(args[2])

    def statements_of_health() -> int:
        statements.clear()
        event.listen(engine, "before_cursor_execute", counted)
        try:
            assert api.client.get("/healthz").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", counted)
        return len(statements)

    counts = []
    for stores in (("S001", "S002"), ("S003", "S004", "S005", "S006")):
        for device in _devices(api, *stores):
            _place(api, device, feed_position=0, last_seen_at=utcnow())  # every terminal behind
        counts.append(statements_of_health())
    assert counts[0] == counts[1]  # one query per terminal made it 2 more for 6 terminals than for 2
