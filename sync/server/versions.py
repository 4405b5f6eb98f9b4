"""Terminals and server agree on the sync protocol, or the terminal is told which side must be updated.

Every answer carries the server's protocol version (``X-OmniPOS-Protocol``). A terminal's request names
its own; on any other version the server answers 426 Upgrade Required before any work, so an old
terminal never half-understands a new feed. The terminal compares the two and says in words whether it
or the server needs updating, and keeps selling offline meanwhile.
"""

from __future__ import annotations

from typing import Any

from sync.protocol import PROTOCOL_VERSION
from sync.protocol.messages import PROTOCOL_HEADER
from sync.server.access_log import header
from sync.server.problems import problem_response

_NAME = PROTOCOL_HEADER.lower().encode("latin-1")
_OURS = str(PROTOCOL_VERSION).encode("latin-1")


class ProtocolCheck:
    """Plain ASGI middleware: 426 to a terminal speaking another protocol version; ours on every answer."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        spoken = header(scope, _NAME)
        if spoken is not None and spoken.strip() != str(PROTOCOL_VERSION):
            older = spoken.strip().isdigit() and int(spoken) < PROTOCOL_VERSION
            refused = problem_response(
                426,
                f"this terminal speaks sync protocol {spoken.strip()[:10]}, the server {PROTOCOL_VERSION}: "
                + ("update the terminal" if older else "update the server"),
                slug="protocol-version",
                headers={PROTOCOL_HEADER: str(PROTOCOL_VERSION)},
            )
            await refused(scope, receive, send)
            return

        async def send_with_version(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", ()) if k.lower() != _NAME]
                headers.append((_NAME, _OURS))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_version)
