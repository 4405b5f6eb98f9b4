"""HQ endpoints for operations: dead letters and flagged events (list, resolve) and the sync's health."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from sync.server.deps import AdminDep, SessionDep
from sync.server.operations import service
from sync.server.operations.schemas import (
    DeadLetterRow,
    FlaggedEventRow,
    OperationsStatus,
    ResolutionOut,
    ResolveIn,
)
from sync.server.problems import PROBLEM_RESPONSES

router = APIRouter(prefix="/v1/admin/operations", tags=["admin"], responses=PROBLEM_RESPONSES)
Resolved = Annotated[bool, Query(description="include the ones already resolved")]


@router.get("/dead-letters", response_model=list[DeadLetterRow])
def dead_letters(session: SessionDep, admin: AdminDep, resolved: Resolved = False) -> list[DeadLetterRow]:
    """Events the server refused, newest first, with their reason (open ones unless ``resolved``)."""
    return service.dead_letters(session, include_resolved=resolved)


@router.post("/dead-letters/{letter_id}/resolve", response_model=ResolutionOut)
def resolve_dead_letter(
    letter_id: Annotated[int, Path(ge=1, le=2**31 - 1)], body: ResolveIn, session: SessionDep, admin: AdminDep
) -> ResolutionOut:
    """Mark a dead letter as dealt with (409 when it already is)."""
    answer = service.resolve(
        session,
        kind=service.DEAD_LETTER,
        ref=str(letter_id),
        note=body.note,
        by=f"token:{admin.credential_id}",
    )
    session.commit()
    return answer


@router.get("/flagged-events", response_model=list[FlaggedEventRow])
def flagged_events(session: SessionDep, admin: AdminDep, resolved: Resolved = False) -> list[FlaggedEventRow]:
    """Applied events that carry flags, newest first (open ones unless ``resolved``)."""
    return service.flagged_events(session, include_resolved=resolved)


@router.post("/flagged-events/{event_id}/resolve", response_model=ResolutionOut)
def resolve_flagged_event(
    event_id: Annotated[str, Path(min_length=1, max_length=36)],
    body: ResolveIn,
    session: SessionDep,
    admin: AdminDep,
) -> ResolutionOut:
    """Mark a flagged event as looked at (409 when it already is)."""
    answer = service.resolve(
        session, kind=service.FLAGGED_EVENT, ref=event_id, note=body.note, by=f"token:{admin.credential_id}"
    )
    session.commit()
    return answer


@router.get("/status", response_model=OperationsStatus)
def status(session: SessionDep, admin: AdminDep) -> OperationsStatus:
    """Open dead letters and flags, and how far behind the change feed the terminals are."""
    return service.status(session)
