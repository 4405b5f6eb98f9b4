"""Errors as ``application/problem+json`` (RFC 9457): one exception type, handlers for everything else."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from posapp.domain.errors import DomainError, InsufficientPoints

PROBLEM_MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://omnipos.example/problems/"
log = logging.getLogger("sync.server.problems")


class FieldProblem(BaseModel):
    """One invalid field: where it is and what is wrong."""

    loc: list[str | int]
    message: str


class Problem(BaseModel):
    """An RFC 9457 problem document."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    errors: list[FieldProblem] | None = Field(default=None, description="field problems, for 422")


class ProblemError(Exception):
    """Raise from a service or router to answer with a problem document."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        slug: str | None = None,
        title: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.slug = slug
        self.title = title or HTTPStatus(status).phrase
        self.headers = headers


class NotFound(ProblemError):
    """The thing named in the path does not exist."""

    def __init__(self, detail: str) -> None:
        super().__init__(404, detail, slug="not-found")


class Conflict(ProblemError):
    """The request clashes with what is stored (a used key, an id with a different body)."""

    def __init__(self, detail: str, *, slug: str = "conflict") -> None:
        super().__init__(409, detail, slug=slug)


class Forbidden(ProblemError):
    """The caller is known but may not do this."""

    def __init__(self, detail: str) -> None:
        super().__init__(403, detail, slug="forbidden")


class Invalid(ProblemError):
    """The request is well-formed but breaks a rule (422)."""

    def __init__(self, detail: str, *, slug: str = "invalid") -> None:
        super().__init__(422, detail, slug=slug)


class TooManyRequests(ProblemError):
    """Too many attempts from this caller (429); ``Retry-After`` says how many seconds to wait."""

    def __init__(self, detail: str, *, retry_after: int, slug: str = "too-many-attempts") -> None:
        super().__init__(429, detail, slug=slug, headers={"Retry-After": str(max(1, retry_after))})
        self.retry_after = max(1, retry_after)


def problem_response(
    status: int,
    detail: str | None,
    *,
    slug: str | None = None,
    title: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """A JSON response with the problem media type."""
    body: dict[str, Any] = {
        "type": TYPE_BASE + slug if slug else "about:blank",
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def _field_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    return [
        {
            "loc": [part if isinstance(part, int) else str(part) for part in error.get("loc", ())],
            "message": error.get("msg", ""),
        }
        for error in exc.errors()
    ]


def install_problem_handlers(app: FastAPI) -> None:
    """Map every error the app can raise to a problem document."""

    @app.exception_handler(ProblemError)
    async def on_problem(request: Request, exc: ProblemError) -> JSONResponse:
        return problem_response(exc.status, exc.detail, slug=exc.slug, title=exc.title, headers=exc.headers)

    @app.exception_handler(DomainError)
    async def on_domain_error(request: Request, exc: DomainError) -> JSONResponse:
        status = 409 if isinstance(exc, InsufficientPoints) else 422
        return problem_response(
            status, exc.detail, slug=exc.message_key.removeprefix("error.").replace(".", "-")
        )

    @app.exception_handler(RequestValidationError)
    async def on_validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return problem_response(422, "the request is not valid", slug="validation", errors=_field_errors(exc))

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem_response(exc.status_code, str(exc.detail), headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem_response(500, "internal error", slug="internal")


def _problem_content() -> dict[str, Any]:
    return {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` declaring a problem body for each of ``statuses``."""
    return {
        status: {"model": Problem, "description": HTTPStatus(status).phrase, "content": _problem_content()}
        for status in statuses
    }


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = problem_responses(400, 401, 403, 404, 409, 422)
"""Declared on every router so OpenAPI (and schemathesis) know the error bodies."""
