"""FastAPI dependencies as type aliases: a session per request and the three kinds of caller."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from sync.protocol.messages import PENDING_HEADER, read_cursor
from sync.server.auth.service import Caller, authenticate, note_device_contact
from sync.server.config import Settings
from sync.server.problems import Forbidden, ProblemError

bearer = HTTPBearer(auto_error=False, description="admin (adm_…), device (dev_…) or channel (chn_…) token")


def get_session(request: Request) -> Iterator[Session]:
    """A session for one request; routers commit explicitly, anything else is rolled back."""
    with request.app.state.session_factory() as session:
        yield session


def get_settings(request: Request) -> Settings:
    """The app's settings."""
    settings: Settings = request.app.state.settings
    return settings


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


class Unauthorized(ProblemError):
    """No valid credential (missing, unknown or revoked)."""

    def __init__(self) -> None:
        super().__init__(401, "a valid bearer token is required", slug="unauthorized")


def get_caller(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Caller:
    """The authenticated caller, or 401. A terminal's contact is noted for the HQ device list."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized()
    caller = authenticate(session, credentials.credentials)
    if caller is None:
        raise Unauthorized()
    if caller.kind == "device" and note_device_contact(session, caller, **device_report(request)):
        session.commit()
    return caller


def device_report(request: Request) -> dict[str, Any]:
    """What a terminal's request says about it: software (User-Agent), outbox size, feed position."""
    pending = request.headers.get(PENDING_HEADER, "")
    position = None
    cursor = request.query_params.get("cursor") if request.url.path == "/v1/sync/pull" else None
    if cursor:
        parsed = read_cursor(cursor)
        position = parsed[1] if parsed is not None else None
    return {
        "client_version": request.headers.get("user-agent") or None,
        "pending_events": int(pending) if pending.isdigit() and len(pending) < 10 else None,
        "feed_position": position,
    }


CallerDep = Annotated[Caller, Depends(get_caller)]


def _require(kind: str, *also: str):  # type: ignore[no-untyped-def]
    allowed = {kind, *also}

    def dependency(caller: CallerDep) -> Caller:
        if caller.kind not in allowed:
            raise Forbidden(f"this needs a {' or '.join(sorted(allowed))} token")
        return caller

    return dependency


AdminDep = Annotated[Caller, Depends(_require("admin"))]
DeviceDep = Annotated[Caller, Depends(_require("device"))]
ChannelDep = Annotated[Caller, Depends(_require("channel"))]
DeviceOrAdminDep = Annotated[Caller, Depends(_require("device", "admin"))]
