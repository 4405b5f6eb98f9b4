"""Mounting the console on the app: its pages under ``/hq``, its static files, its error pages."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from posapp.domain.errors import DomainError
from sync.server.hq.throttle import LoginThrottle
from sync.server.hq.web import HERE, PREFIX, LoginRequired, PageDenied, error_page
from sync.server.problems import ProblemError


def mount_hq(app: FastAPI) -> None:
    """Serve the console from ``app`` (same process, same database, same services)."""
    from sync.server.contacts import pages as contacts
    from sync.server.hq.pages import auth, catalog, home, members, operations, reports, stores, users

    app.state.login_throttle = LoginThrottle()  # its counts live in the database: shared
    for module in (auth, home, stores, catalog, reports, members, contacts, operations, users):
        app.include_router(module.router, prefix=PREFIX, include_in_schema=False)
    app.mount(f"{PREFIX}/static", StaticFiles(directory=HERE / "static"), name="hq-static")

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, error: LoginRequired) -> Response:
        from urllib.parse import quote

        return RedirectResponse(f"{PREFIX}/login?next={quote(error.next_path)}", status_code=303)

    @app.exception_handler(PageDenied)
    async def page_denied(request: Request, error: PageDenied) -> Response:
        return error_page(request, error.status, error.key)

    # A refusal on a console page is a page in the viewer's language; the API keeps its problem JSON.
    for kind in (ProblemError, DomainError, RequestValidationError, StarletteHTTPException):
        _html_on_console(app, kind)


def _html_on_console(app: FastAPI, kind: type[Exception]) -> None:
    api_handler = app.exception_handlers[kind]

    async def handler(request: Request, error: Any) -> Response:
        if not request.url.path.startswith(PREFIX + "/"):
            return await api_handler(request, error)  # type: ignore[misc,no-any-return]
        if isinstance(error, ProblemError):
            return error_page(request, error.status, f"problem.{error.slug or 'error'}")
        if isinstance(error, StarletteHTTPException):
            return error_page(
                request, error.status_code, "error.not_found" if error.status_code == 404 else "error.generic"
            )
        return error_page(request, 422, "error.invalid_request")

    app.add_exception_handler(kind, handler)
