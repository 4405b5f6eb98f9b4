"""HQ users (admins manage them; auditors may read) and the console's audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from sync.server.deps import SessionDep
from sync.server.hq import audit, sessions, users
from sync.server.hq.web import PREFIX, FormDep, Page, PageDenied, PageDep, field, redirect, render
from sync.server.problems import ProblemError
from sync.server.stores import service as stores_service

router = APIRouter()
UserId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def _readers_only(page: Page) -> None:
    if page.viewer.role == "manager":
        raise PageDenied()


def _users_page(request: Request, page: Page, session: SessionDep, *, status: int = 200,
                errors: list[str] | None = None, values: dict[str, object] | None = None) -> Response:  # fmt: skip
    return render(page, request, "users.html", status=status, users=users.list_users(session),
                  stores=stores_service.list_stores(session), errors=errors or [], values=values or {},
                  entries=audit.entries(session, limit=100))  # fmt: skip


@router.get("/users")
def user_list(request: Request, page: PageDep, session: SessionDep) -> Response:
    """The users and the newest audit entries."""
    _readers_only(page)
    return _users_page(request, page, session)


@router.get("/audit")
def audit_log(
    request: Request, page: PageDep, session: SessionDep, before: Annotated[int | None, Query(ge=1)] = None
) -> Response:
    """The whole audit log, newest first, a page at a time."""
    _readers_only(page)
    entries = audit.entries(session, before_id=before)
    return render(page, request, "audit.html", entries=entries)


@router.post("/users")
def create_user(request: Request, page: PageDep, form: FormDep, session: SessionDep) -> Response:
    """Create a user; a store manager is given their stores."""
    page.require_admin()
    stores = [value for value in form.getlist("stores") if isinstance(value, str)]
    values = {name: field(form, name) for name in ("username", "display_name", "role", "language")}
    try:
        user = users.create_user(
            session, username=values["username"], password=str(form.get("password") or ""), role=values["role"],
            display_name=values["display_name"], store_codes=stores, language=values["language"] or "ja",
        )  # fmt: skip
    except ProblemError as error:
        session.rollback()
        return _users_page(request, page, session, status=422, errors=[page.error_text(error)],
                           values={**values, "stores": stores})  # fmt: skip
    page.audit(session, "user.create", user.username, role=user.role, stores=sorted(stores))
    session.commit()
    return redirect(f"{PREFIX}/users", done="user_created")


@router.post("/users/{user_id}/password")
def reset_password(
    user_id: UserId, request: Request, page: PageDep, form: FormDep, session: SessionDep
) -> Response:
    """Set a new password; the user's sessions end."""
    page.require_admin()
    user = users.get_user(session, user_id)
    try:
        users.set_password(session, user, str(form.get("password") or ""))
    except ProblemError as error:
        session.rollback()
        return _users_page(request, page, session, status=422, errors=[page.error_text(error)])
    sessions.close_sessions_of(session, user.id)
    page.audit(session, "user.password", user.username)
    session.commit()
    return redirect(f"{PREFIX}/users", done="password_set")


@router.post("/users/{user_id}/disabled")
def set_disabled(
    user_id: UserId, request: Request, page: PageDep, form: FormDep, session: SessionDep
) -> Response:
    """Disable a user (their sessions end) or enable them again; nobody disables themselves."""
    page.require_admin()
    user = users.get_user(session, user_id)
    disabled = field(form, "disabled") == "1"
    if user.id == page.viewer.user_id and disabled:
        return _users_page(request, page, session, status=409, errors=[page.t("users.not_yourself")])
    users.set_disabled(session, user, disabled=disabled)
    if disabled:
        sessions.close_sessions_of(session, user.id)
    page.audit(session, "user.disable" if disabled else "user.enable", user.username)
    session.commit()
    return redirect(f"{PREFIX}/users", done="user_saved")
