"""Who looked at which customer: one row per customer shown by a search, profile, history, export or erase.

The log answers the question a member may ask under the Act on the Protection of Personal
Information (個人情報保護法): which terminal or HQ token saw my record, when, and why.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from sqlalchemy import ForeignKey, String, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from sync.server.db.base import Base, BigId, UTCDateTime, utcnow

if TYPE_CHECKING:
    from sync.server.auth.service import Caller

AccessAction = Literal["search", "profile", "history", "interests", "export", "erase", "contacts"]
QUERY_KEPT = 64
"""Characters of a search text kept in the log: enough to see what was looked for, no more."""


class CustomerAccess(Base):
    """One look at one customer by a device or an HQ token."""

    __tablename__ = "customer_access_log"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    caller_kind: Mapped[str] = mapped_column(String(10))
    caller_id: Mapped[str] = mapped_column(String(36))
    store_code: Mapped[str | None] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(10))
    query: Mapped[str | None] = mapped_column(String(QUERY_KEPT))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def record_access(
    session: Session,
    caller: Caller,
    customer_ids: Iterable[int],
    action: AccessAction,
    query: str | None = None,
) -> int:
    """Log that ``caller`` saw ``customer_ids`` (one multi-row insert); the caller commits. Returns rows."""
    ids = list(dict.fromkeys(customer_ids))
    if not ids:
        return 0
    now = utcnow()
    kept = query[:QUERY_KEPT] if query is not None else None
    session.execute(
        insert(CustomerAccess),
        [
            {
                "customer_id": customer_id,
                "caller_kind": caller.kind,
                "caller_id": str(caller.credential_id)[:36],
                "store_code": caller.store_code,
                "action": action,
                "query": kept,
                "at": now,
            }
            for customer_id in ids
        ],
    )
    return len(ids)


def accesses_of(
    session: Session, customer_id: int, *, also: Iterable[int] = (), limit: int | None = None
) -> list[CustomerAccess]:
    """The looks at a customer (and at the records ``also`` merged into it), newest first."""
    ids = {customer_id, *also}
    query = (
        select(CustomerAccess)
        .where(CustomerAccess.customer_id.in_(ids))
        .order_by(CustomerAccess.at.desc(), CustomerAccess.id.desc())
    )
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def recent_accesses(
    session: Session, *, limit: int = 200, member_no: str | None = None
) -> list[tuple[CustomerAccess, str]]:
    """The newest looks at any customer (or at one member number), with the member number, newest first."""
    from sync.server.customers.models import Customer

    query = (
        select(CustomerAccess, Customer.member_no)
        .join(Customer, Customer.id == CustomerAccess.customer_id)
        .order_by(CustomerAccess.id.desc())
        .limit(limit)
    )
    if member_no:
        query = query.where(Customer.member_no == member_no)
    return [(access, number) for access, number in session.execute(query)]
