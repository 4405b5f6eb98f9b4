"""The console's audit log: one row per change, sign-in, sign-out and refused sign-in."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.server.hq.models import HqAuditEntry

PAGE = 200


def record(
    session: Session,
    *,
    user_id: int | None,
    username: str,
    action: str,
    target: str = "",
    detail: dict[str, Any] | None = None,
    address: str = "",
) -> None:
    """Append an entry in the caller's transaction (so it is kept exactly when the change is)."""
    session.add(
        HqAuditEntry(
            user_id=user_id,
            username=username[:32],
            action=action[:40],
            target=target[:120],
            detail=detail or {},
            address=address[:64],
        )
    )


def entries(session: Session, *, before_id: int | None = None, limit: int = PAGE) -> list[HqAuditEntry]:
    """The newest entries (older than ``before_id`` when paging), newest first."""
    query = select(HqAuditEntry).order_by(HqAuditEntry.id.desc()).limit(limit)
    if before_id is not None:
        query = query.where(HqAuditEntry.id < before_id)
    return list(session.scalars(query))
