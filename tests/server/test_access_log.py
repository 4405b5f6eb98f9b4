"""The access log and the protocol header, written by the server's one plain ASGI layer (the gateway)."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from typing import Any

import pytest
from starlette.middleware.base import BaseHTTPMiddleware

from sync.protocol import PROTOCOL_VERSION
from sync.protocol.messages import PROTOCOL_HEADER
from sync.server import access_log
from sync.server.app import body_rules
from sync.server.config import load_settings
from sync.server.gateway import Gateway
from tests.server.conftest import Api, product


def access_lines(caplog: pytest.LogCaptureFixture, *, at_least: int = 1) -> list[logging.LogRecord]:
    """The access-log lines written so far, waiting up to 2 s for ``at_least`` (they are written in batches)."""
    deadline = time.monotonic() + 2
    while True:
        lines = [r for r in caplog.records if r.name == "sync.server.access"]
        if len(lines) >= at_least or time.monotonic() > deadline:
            return lines
        time.sleep(0.01)


def test_every_request_is_logged_once_with_its_id_fields_and_status(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="sync.server.access")
    given = api.client.get("/healthz", headers={"X-Request-ID": "till-7-0001"})
    assert given.status_code == 200 and given.headers["x-request-id"] == "till-7-0001"
    made = api.client.get("/v1/sync/pull")  # no token: the 401 is logged too
    assert made.status_code == 401 and re.fullmatch(r"[0-9a-f]{32}", made.headers["x-request-id"])
    assert made.headers[PROTOCOL_HEADER] == str(PROTOCOL_VERSION)

    lines = access_lines(caplog, at_least=2)
    assert [(r.request_id, r.method, r.path, r.status) for r in lines] == [  # type: ignore[attr-defined]
        ("till-7-0001", "GET", "/healthz", 200),
        (made.headers["x-request-id"], "GET", "/v1/sync/pull", 401),
    ]
    assert all(r.getMessage() == "request" and r.duration_ms >= 0 for r in lines)  # type: ignore[attr-defined]


def test_a_terminal_speaking_another_protocol_gets_426_with_both_headers(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    device = api.device()
    caplog.set_level(logging.INFO, logger="sync.server.access")
    answer = api.client.get("/v1/sync/pull", headers={**device, PROTOCOL_HEADER: "0"})
    assert answer.status_code == 426 and "update the terminal" in answer.json()["detail"]
    assert answer.headers[PROTOCOL_HEADER] == str(PROTOCOL_VERSION)
    assert [(r.request_id, r.status) for r in access_lines(caplog)] == [  # type: ignore[attr-defined]
        (answer.headers["x-request-id"], 426)
    ]
    assert len(answer.headers.get_list("x-request-id")) == 1


def test_a_body_refused_before_the_app_is_logged_and_answered_with_both_headers(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    device = api.device()
    caplog.set_level(logging.INFO, logger="sync.server.access")
    answer = api.client.post(
        "/v1/sync/push",
        content=b"{}",
        headers={**device, "Content-Encoding": "br", "X-Request-ID": "till-7-0002"},
    )
    assert answer.status_code == 415 and answer.json()["type"].endswith("/media-type")
    assert answer.headers["x-request-id"] == "till-7-0002"
    assert answer.headers[PROTOCOL_HEADER] == str(PROTOCOL_VERSION)
    assert [(r.request_id, r.path, r.status) for r in access_lines(caplog)] == [  # type: ignore[attr-defined]
        ("till-7-0002", "/v1/sync/push", 415)
    ]


def test_gzip_only_for_a_client_that_accepts_it(api: Api) -> None:
    api.products(*(product(f"49{n:011d}", 100 + n) for n in range(40)))  # a page of several kB
    asked = {**api.device(), "Accept-Encoding": "gzip"}
    page = api.client.get("/v1/sync/pull", headers=asked)
    assert page.headers["content-encoding"] == "gzip" and page.json()["changes"]
    plain = api.client.get("/v1/sync/pull", headers={**api.device(), "Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.json()["changes"] == page.json()["changes"]


def test_one_layer_of_ours_and_none_runs_the_app_in_a_task_of_its_own(api: Api) -> None:
    stack = api.client.app.user_middleware  # type: ignore[attr-defined]
    assert [m.cls for m in stack] == [Gateway]
    assert not [m for m in stack if issubclass(m.cls, BaseHTTPMiddleware)]


def test_lines_are_written_together_soon_after_with_each_request_s_own_time(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="sync.server.access")
    batch = access_log.AccessLog(flush_seconds=0.05)

    async def three_requests() -> tuple[list[float], int]:
        ended = []
        for n in range(3):
            batch.record(f"r{n}", "GET", "/v1/sync/pull", 200, time.perf_counter())
            ended.append(time.time())
            await asyncio.sleep(0.01)
        written_before_the_timer = len(access_lines(caplog, at_least=0))
        await asyncio.sleep(0.1)
        return ended, written_before_the_timer

    ended, early = asyncio.run(three_requests())
    lines = access_lines(caplog, at_least=3)
    assert early == 0
    assert [r.request_id for r in lines] == ["r0", "r1", "r2"]  # type: ignore[attr-defined]
    assert all(abs(r.created - at) < 0.005 for r, at in zip(lines, ended, strict=True))


def test_a_full_batch_is_written_at_once(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="sync.server.access")
    batch = access_log.AccessLog(flush_seconds=60)

    async def many() -> int:
        for n in range(access_log.BATCH_LINES):
            batch.record(f"r{n}", "GET", "/healthz", 200, time.perf_counter())
        return len(access_lines(caplog, at_least=0))

    assert asyncio.run(many()) == access_log.BATCH_LINES


def test_the_last_lines_are_written_when_the_worker_stops(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="sync.server.access")

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    gateway = Gateway(app, rules=body_rules(load_settings()), limit=2)
    gateway.access_log.flush_seconds = 60  # only the shutdown can write the line in time

    async def serve_then_stop() -> None:
        events = iter([{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])
        stopping = asyncio.Event()

        async def lifespan_receive() -> dict[str, Any]:
            event = next(events)
            if event["type"] == "lifespan.shutdown":
                await stopping.wait()
            return event

        async def ignore(message: dict[str, Any]) -> None:
            pass

        lifespan = asyncio.create_task(gateway({"type": "lifespan"}, lifespan_receive, ignore))
        scope = {"type": "http", "method": "GET", "path": "/x", "headers": []}
        await gateway(scope, ignore, ignore)
        assert not access_lines(caplog, at_least=0)
        stopping.set()
        await lifespan

    asyncio.run(serve_then_stop())
    assert [(r.path, r.status) for r in access_lines(caplog)] == [("/x", 204)]  # type: ignore[attr-defined]
