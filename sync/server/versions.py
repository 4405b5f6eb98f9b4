"""Terminals and server agree on the sync protocol, or the terminal is told which side must be updated.

Every answer carries the server's protocol version (``X-OmniPOS-Protocol``). A terminal's request names
its own; on any other version the server answers 426 Upgrade Required before any work, so an old
terminal never half-understands a new feed. The terminal compares the two and says in words whether it
or the server needs updating, and keeps selling offline meanwhile.
"""

from __future__ import annotations

from starlette.responses import Response

from sync.protocol import PROTOCOL_VERSION
from sync.protocol.messages import PROTOCOL_HEADER
from sync.server.problems import problem_response

HEADER = PROTOCOL_HEADER.lower().encode("latin-1")
"""The header, as ASGI carries it (lower case bytes)."""
OURS = str(PROTOCOL_VERSION).encode("latin-1")


def refusal(spoken: bytes | None) -> Response | None:
    """The 426 for a terminal that names another protocol version than ours; ``None`` to go on.
    (The gateway puts our version on every answer, this one included.)"""
    if spoken is None:
        return None
    said = spoken.decode("latin-1").strip()
    if said == str(PROTOCOL_VERSION):
        return None
    older = said.isdigit() and int(said) < PROTOCOL_VERSION
    return problem_response(
        426,
        f"this terminal speaks sync protocol {said[:10]}, the server {PROTOCOL_VERSION}: "
        + ("update the terminal" if older else "update the server"),
        slug="protocol-version",
    )
