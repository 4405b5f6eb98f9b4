"""``/healthz`` answers anyone and is never queued: checks that arrive together share one answer."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from sqlalchemy.orm import Session

import sync.server.app as app_module
from tests.server.conftest import Api


def test_checks_that_arrive_together_share_one_answer_and_later_ones_are_fresh(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    answered = []
    real = app_module.health_report

    def slow_health(session: Session, database: str) -> app_module.Health:
        answered.append(time.monotonic())
        time.sleep(0.05)  # a database that takes its time: the flood arrives meanwhile
        return real(session, database)

    monkeypatch.setattr(app_module, "health_report", slow_health)

    async def flood() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=api.client.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return list(await asyncio.gather(*(client.get("/healthz") for _ in range(20))))

    answers = asyncio.run(flood())
    assert [a.status_code for a in answers] == [200] * 20
    assert all(a.json()["status"] == "ok" for a in answers)
    assert 1 <= len(answered) <= 2  # twenty checks, one or two looks at the database

    answered.clear()
    for _ in range(3):  # one after another, as a monitor asks: each is a new look
        assert api.client.get("/healthz").status_code == 200
    assert len(answered) == 3
