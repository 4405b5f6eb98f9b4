"""The access log and the protocol header, written by the server's one plain ASGI layer (the gateway)."""

from __future__ import annotations

import logging
import re

import pytest
from starlette.middleware.base import BaseHTTPMiddleware

from sync.protocol import PROTOCOL_VERSION
from sync.protocol.messages import PROTOCOL_HEADER
from sync.server.gateway import Gateway
from tests.server.conftest import Api, product


def access_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "sync.server.access"]


def test_every_request_is_logged_once_with_its_id_fields_and_status(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="sync.server.access")
    given = api.client.get("/healthz", headers={"X-Request-ID": "till-7-0001"})
    assert given.status_code == 200 and given.headers["x-request-id"] == "till-7-0001"
    made = api.client.get("/v1/sync/pull")  # no token: the 401 is logged too
    assert made.status_code == 401 and re.fullmatch(r"[0-9a-f]{32}", made.headers["x-request-id"])
    assert made.headers[PROTOCOL_HEADER] == str(PROTOCOL_VERSION)

    lines = access_lines(caplog)
    assert [(r.request_id, r.method, r.path, r.status) for r in lines] == [  # type: ignore[attr-defined]
        ("till-7-0001", "GET", "/healthz", 200),
        (made.headers["x-request-id"], "GET", "/v1/sync/pull", 401),
    ]
    assert all(r.getMessage() == "request" and r.duration_ms >= 0 for r in lines)  # type: ignore[attr-defined]


def test_a_terminal_speaking_another_protocol_gets_426_with_both_headers(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="sync.server.access")
    answer = api.client.get("/v1/sync/pull", headers={**api.device(), PROTOCOL_HEADER: "0"})
    assert answer.status_code == 426 and "update the terminal" in answer.json()["detail"]
    assert answer.headers[PROTOCOL_HEADER] == str(PROTOCOL_VERSION)
    assert answer.headers.get_list("x-request-id") == [access_lines(caplog)[-1].request_id]  # type: ignore[attr-defined]


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
