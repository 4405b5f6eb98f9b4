"""Page plumbing shared by every console page: who is signed in, CSRF, rendering, redirects, errors.

Cookies: the session cookie is ``HttpOnly``, ``SameSite=Lax``, ``Path=/hq`` and ``Secure`` whenever
the request came over HTTPS (directly, or from a proxy that says so with ``X-Forwarded-Proto``). The
one exception is plain HTTP between a browser and a server that are both on loopback (development,
the tests): there a ``Secure`` cookie would never come back, so it is sent without the flag. Over
plain HTTP from any other address the console refuses to sign in at all and says HTTPS is needed.
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from posapp.domain.errors import DomainError
from sync.server.deps import SessionDep
from sync.server.hq import audit, sessions
from sync.server.hq.i18n import pick_language, translate
from sync.server.hq.users import Viewer, viewer_of
from sync.server.problems import ProblemError

HERE = Path(__file__).parent
COOKIE = "hq_session"
LANG_COOKIE = "hq_lang"
PREFIX = "/hq"
CHAIN_ZONE = ZoneInfo("Asia/Tokyo")
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}

templates = Jinja2Templates(directory=str(HERE / "templates"))


class LoginRequired(Exception):
    """No live session: the browser is sent to the sign-in page."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class PageDenied(Exception):
    """The signed-in user may not see or do this (403), or the CSRF token is missing or wrong."""

    def __init__(self, key: str = "error.forbidden", status: int = 403) -> None:
        super().__init__(key)
        self.key = key
        self.status = status


def client_address(request: Request) -> str:
    """The client's address (uvicorn takes ``X-Forwarded-For`` from a proxy on this host)."""
    return request.client.host if request.client else "unknown"


def _loopback(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def cookie_secure(request: Request) -> bool | None:
    """``True`` to mark cookies ``Secure``; ``False`` on loopback plain HTTP; ``None``: refuse (HTTP from
    elsewhere, where a session cookie would travel in the clear)."""
    if request.url.scheme == "https":
        return True
    server = request.scope.get("server") or (None, None)
    if _loopback(server[0]) and _loopback(client_address(request)):
        return False
    return None


@dataclass
class Page:
    """The request as a console page sees it: the viewer, their language, their CSRF token."""

    request: Request
    viewer: Viewer
    csrf: str
    lang: str

    def t(self, key: str, **params: Any) -> str:
        """``key`` in the viewer's language."""
        return translate(self.lang, key, **params)

    def require_admin(self) -> None:
        """Only an HQ admin may go on."""
        if not self.viewer.is_admin:
            raise PageDenied()

    def require_change(self) -> None:
        """Auditors read only."""
        if not self.viewer.can_change:
            raise PageDenied()

    def require_store(self, store_id: int) -> None:
        """A store manager may only see their own stores (the page answers 403 otherwise)."""
        if not self.viewer.sees_store(store_id):
            raise PageDenied()

    def audit(self, session: Session, action: str, target: str = "", **detail: Any) -> None:
        """Record a change by this viewer in the same transaction as the change."""
        audit.record(
            session,
            user_id=self.viewer.user_id,
            username=self.viewer.username,
            action=action,
            target=target,
            detail=detail,
            address=client_address(self.request),
        )

    def error_text(self, error: Exception) -> str:
        """A refusal from a service in the viewer's words (its message key or slug when known)."""
        if isinstance(error, DomainError):
            text = self.t(error.message_key)
            return text if text != error.message_key else str(error.detail)
        if isinstance(error, ProblemError) and error.slug:
            key = f"problem.{error.slug}"
            text = self.t(key)
            if text != key:
                return text
        return str(getattr(error, "detail", None) or error)


def get_page(request: Request, session: SessionDep) -> Page:
    """The signed-in viewer, or a redirect to the sign-in page."""
    token = request.cookies.get(COOKIE, "")
    found = sessions.find_session(session, token)
    if found is None:
        session.commit()  # an expired session was deleted
        next_path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(next_path)
    row, user = found
    page = Page(
        request, viewer_of(session, user), row.csrf_token, pick_language(request.cookies.get(LANG_COOKIE))
    )
    session.commit()  # end the read (SQLite holds its write lock for a whole transaction)
    return page


PageDep = Annotated[Page, Depends(get_page)]


async def checked_form(request: Request, page: PageDep) -> FormData:
    """The posted form, once its CSRF token matched the session's (else 403)."""
    form = await request.form(max_files=1, max_fields=200)
    token = form.get("csrf_token")
    if not sessions.csrf_matches(page.csrf, token if isinstance(token, str) else None):
        raise PageDenied("error.csrf")
    return form


FormDep = Annotated[FormData, Depends(checked_form)]


def field(form: Mapping[str, Any], name: str, default: str = "") -> str:
    """A text field of a form, stripped ('' when absent or a file)."""
    value = form.get(name, default)
    return value.strip() if isinstance(value, str) else default


def yen(amount: int | None) -> str:
    """¥1,234 (negative as -¥1,234)."""
    if amount is None:
        return ""
    return f"-¥{-amount:,}" if amount < 0 else f"¥{amount:,}"


def local_time(moment: datetime | None, zone: str | ZoneInfo | None = None) -> str:
    """A UTC moment as ``YYYY-MM-DD HH:MM`` in ``zone`` (the chain's zone by default)."""
    if moment is None:
        return "—"
    tz = ZoneInfo(zone) if isinstance(zone, str) else (zone or CHAIN_ZONE)
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def chain_today() -> date:
    """Today in the chain's time zone."""
    return datetime.now(CHAIN_ZONE).date()


templates.env.filters["yen"] = yen
templates.env.filters["local_time"] = local_time
templates.env.globals["prefix"] = PREFIX
templates.env.globals["urlencode"] = urlencode
templates.env.globals["ceil"] = math.ceil


def render(
    page: Page | None,
    request: Request,
    name: str,
    *,
    status: int = 200,
    lang: str | None = None,
    **context: Any,
) -> HTMLResponse:
    """A template rendered for ``page`` (or for a signed-out visitor), with the security headers."""
    language = page.lang if page else (lang or pick_language(request.cookies.get(LANG_COOKIE)))

    def t(key: str, **params: Any) -> str:
        return translate(language, key, **params)

    response = templates.TemplateResponse(
        request,
        name,
        {"page": page, "viewer": page.viewer if page else None, "lang": language, "t": t,
         "csrf": page.csrf if page else "", "notice": _notice(request, t), **context},
        status_code=status,
    )  # fmt: skip
    response.headers.update(SECURITY_HEADERS)
    return response


def _notice(request: Request, t: Any) -> str:
    key = request.query_params.get("done", "")
    if not key or not key.replace(".", "").replace("_", "").isalnum():
        return ""
    text: str = t(f"done.{key}")
    return "" if text == f"done.{key}" else text


def redirect(path: str, *, done: str | None = None) -> RedirectResponse:
    """See-other to a console path (after a POST), with a notice key to show there."""
    if done:
        path += ("&" if "?" in path else "?") + f"done={quote(done)}"
    response = RedirectResponse(path, status_code=303)
    response.headers.update(SECURITY_HEADERS)
    return response


def safe_next(value: str | None) -> str:
    """A path inside the console to go to after sign-in (never another site)."""
    if value and value.startswith(PREFIX + "/") and not value.startswith("//") and "\\" not in value:
        return value
    return PREFIX + "/"


def error_page(request: Request, status: int, key: str) -> Response:
    """A plain page for 403/404/429 and refused CSRF tokens, in the browser's language."""
    return render(None, request, "error.html", status=status, message_key=key)
