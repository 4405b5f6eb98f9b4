"""Sign-in (throttled, CSRF-protected with a double-submit cookie), sign-out and the language switch."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from sync.server.deps import SessionDep
from sync.server.hq import audit, sessions, users
from sync.server.hq.i18n import LANGUAGES
from sync.server.hq.throttle import LoginThrottle
from sync.server.hq.web import (
    COOKIE,
    LANG_COOKIE,
    PREFIX,
    FormDep,
    PageDep,
    client_address,
    cookie_secure,
    redirect,
    render,
    safe_next,
)

router = APIRouter()
LOGIN_CSRF_COOKIE = "hq_login_csrf"


def _throttle(request: Request) -> LoginThrottle:
    throttle: LoginThrottle = request.app.state.login_throttle
    return throttle


def _login_page(request: Request, *, error: str = "", status: int = 200, username: str = "") -> Response:
    token = secrets.token_urlsafe(24)
    response = render(
        None, request, "login.html", status=status, error=error, login_csrf=token, username=username,
        next=safe_next(request.query_params.get("next")), https_needed=cookie_secure(request) is None,
    )  # fmt: skip
    secure = cookie_secure(request)
    response.set_cookie(
        LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", path=PREFIX, secure=bool(secure)
    )
    return response


@router.get("/login")
def login_form(request: Request) -> Response:
    """The sign-in page."""
    return _login_page(request)


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form(max_length=100)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    csrf_token: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Check the name and password; five failures for a name within 15 minutes and it must wait."""
    username = username.strip()
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not sessions.csrf_matches(expected, csrf_token):
        return _login_page(request, error="error.csrf", status=403, username=username)
    secure = cookie_secure(request)
    if secure is None:
        return _login_page(request, error="login.https_needed", status=403, username=username)
    address = client_address(request)
    throttle = _throttle(request)
    wait = throttle.retry_after(session, username, address)
    if wait:
        audit.record(session, user_id=None, username=username[:32], action="login.throttled", address=address)
        session.commit()
        response = _login_page(request, error="login.throttled", status=429, username=username)
        response.headers["Retry-After"] = str(wait)
        return response
    user = users.authenticate(session, username=username, password=password)
    if user is None:
        throttle.failed(session, username, address)
        audit.record(session, user_id=None, username=username[:32], action="login.failed", address=address)
        session.commit()
        return _login_page(request, error="login.wrong", status=401, username=username)
    token, _row = sessions.open_session(session, user, address=address)
    audit.record(session, user_id=user.id, username=user.username, action="login", address=address)
    session.commit()
    response = redirect(safe_next(next))
    response.set_cookie(COOKIE, token, httponly=True, samesite="lax", path=PREFIX, secure=secure,
                        max_age=int(sessions.ABSOLUTE.total_seconds()))  # fmt: skip
    response.delete_cookie(LOGIN_CSRF_COOKIE, path=PREFIX)
    if not request.cookies.get(LANG_COOKIE):
        response.set_cookie(LANG_COOKIE, user.language, samesite="lax", path=PREFIX, secure=secure,
                            max_age=365 * 86400)  # fmt: skip
    return response


@router.post("/logout")
def logout(request: Request, page: PageDep, form: FormDep, session: SessionDep) -> Response:
    """Sign out: the session is deleted on the server, the cookie in the browser."""
    sessions.close_session(session, request.cookies.get(COOKIE, ""))
    page.audit(session, "logout")
    session.commit()
    response = redirect(f"{PREFIX}/login")
    response.delete_cookie(COOKIE, path=PREFIX)
    return response


@router.get("/lang/{language}")
def switch_language(language: str, request: Request) -> Response:
    """Show the console in ``language`` from now on (a preference cookie; changes no data)."""
    response = redirect(safe_next(request.query_params.get("next")))
    if language in LANGUAGES:
        secure = cookie_secure(request)
        response.set_cookie(LANG_COOKIE, language, samesite="lax", path=PREFIX, secure=bool(secure),
                            max_age=365 * 86400)  # fmt: skip
    return response
