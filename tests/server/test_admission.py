"""Admission control: the worker lets a bounded number of requests in; the rest queue, then get 503.

Driven through the gateway, the one ASGI layer the server puts around its app."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import httpx

from sync.server.app import admission_limit, body_rules
from sync.server.config import load_settings
from sync.server.gateway import Gateway


def slow_app(inside: list[int], peak: list[int]) -> Any:
    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:  # noqa: ARG001 - ASGI signature
        inside.append(1)
        peak[0] = max(peak[0], len(inside))
        await asyncio.sleep(0.05)
        inside.pop()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    return app


def run(limit: int, queue_timeout: float, paths: list[str]) -> tuple[list[httpx.Response], int]:
    inside: list[int] = []
    peak = [0]
    rules = body_rules(load_settings())
    gated = Gateway(slow_app(inside, peak), rules=rules, limit=limit, queue_timeout=queue_timeout)

    async def main() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=gated)  # type: ignore[arg-type]  # a plain ASGI app, typed by Starlette
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return list(await asyncio.gather(*(client.get(path) for path in paths)))

    return asyncio.run(main()), peak[0]


def test_never_more_than_the_limit_inside_and_everyone_served() -> None:
    answers, peak = run(3, 5.0, ["/v1/x"] * 20)
    assert peak == 3
    assert [a.status_code for a in answers] == [200] * 20


def test_a_request_that_waits_too_long_gets_503_with_retry_after() -> None:
    answers, _ = run(1, 0.08, ["/v1/x"] * 6)
    statuses = sorted(a.status_code for a in answers)
    assert statuses.count(200) >= 1 and statuses.count(503) >= 1
    busy = next(a for a in answers if a.status_code == 503)
    assert busy.headers["retry-after"] == "2" and busy.json()["type"].endswith("/busy")
    assert re.fullmatch(r"[0-9a-f]{32}", busy.headers["x-request-id"])  # followed in the log like any answer


def test_health_checks_are_not_queued() -> None:
    answers, peak = run(1, 5.0, ["/healthz"] * 5)
    assert peak == 5 and all(a.status_code == 200 for a in answers)


def test_fewer_requests_inside_than_connections() -> None:
    for pool_size in (1, 2, 5, 10, 40):
        assert 1 <= admission_limit(pool_size) < 2 * pool_size
