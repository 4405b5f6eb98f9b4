"""Terminals and server agree on the sync protocol, or the terminal is told which side must be updated.

Every answer carries the server's protocol version (``X-OmniPOS-Protocol``). A terminal's request names
its own; on any other version the server answers 426 Upgrade Required before any work, so an old
terminal never half-understands a new feed. The terminal compares the two and says in words whether it
or the server needs updating, and keeps selling offline meanwhile.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response

from sync.protocol import PROTOCOL_VERSION
from sync.protocol.messages import PROTOCOL_HEADER
from sync.server.problems import problem_response


def install_protocol_check(app: FastAPI) -> None:
    """Answer 426 to a terminal speaking another protocol version; name ours on every answer."""

    @app.middleware("http")
    async def protocol_check(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        spoken = request.headers.get(PROTOCOL_HEADER)
        if spoken is not None and spoken.strip() != str(PROTOCOL_VERSION):
            older = spoken.strip().isdigit() and int(spoken) < PROTOCOL_VERSION
            return problem_response(
                426,
                f"this terminal speaks sync protocol {spoken.strip()[:10]}, the server {PROTOCOL_VERSION}: "
                + ("update the terminal" if older else "update the server"),
                slug="protocol-version",
                headers={PROTOCOL_HEADER: str(PROTOCOL_VERSION)},
            )
        response = await call_next(request)
        response.headers[PROTOCOL_HEADER] = str(PROTOCOL_VERSION)
        return response
