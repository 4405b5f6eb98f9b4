"""Operations: dead letters and flagged events with a resolve action, the customer-access log, and
whether the registers keep up with the change feed (also on ``/healthz``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from sync.server.customers.access import recent_accesses
from sync.server.deps import SessionDep
from sync.server.hq.web import PREFIX, FormDep, PageDep, field, redirect, render
from sync.server.operations import service

router = APIRouter()


@router.get("/operations")
def operations(
    request: Request,
    page: PageDep,
    session: SessionDep,
    resolved: Annotated[bool, Query()] = False,
    member: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    """What needs a person, and the sync's health (a store manager sees their stores' only)."""
    scope = page.viewer.store_ids if page.viewer.role == "manager" else None
    letters = service.dead_letters(session, store_ids=scope, include_resolved=resolved)
    flagged = service.flagged_events(session, store_ids=scope, include_resolved=resolved)
    accesses = recent_accesses(session, limit=100, member_no=member or None) if scope is None else []
    return render(page, request, "operations.html", letters=letters, flagged=flagged,
                  ops=service.status(session), accesses=accesses, resolved=resolved, member=member)  # fmt: skip


@router.post("/operations/{kind}/{ref}/resolve")
def resolve(
    kind: Annotated[str, Path(pattern="^(dead_letter|flagged_event)$")],
    ref: Annotated[str, Path(max_length=64)],
    page: PageDep,
    form: FormDep,
    session: SessionDep,
) -> Response:
    """Mark one as dealt with, with what was done."""
    page.require_change()
    store_id = service.target_store(session, kind, ref)
    if store_id is not None:
        page.require_store(store_id)
    note = field(form, "note")[:500]
    service.resolve(session, kind=kind, ref=ref, note=note, by=page.viewer.username)
    page.audit(session, f"{kind}.resolve", ref, note=note)
    session.commit()
    return redirect(f"{PREFIX}/operations", done="resolved")
