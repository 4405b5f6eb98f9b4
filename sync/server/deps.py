"""FastAPI dependencies as type aliases: a session per request and the three kinds of caller."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from sync.server.auth.service import Caller, authenticate
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
    session: SessionDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> Caller:
    """The authenticated caller, or 401."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized()
    caller = authenticate(session, credentials.credentials)
    if caller is None:
        raise Unauthorized()
    return caller


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
