"""Members: search, the 360° view (the counter's timeline), merge, export, erase, points adjustments
with a reason, and the coupons issued to them. Every look is written to the customer-access log."""

from __future__ import annotations

import json
import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from posapp.domain.errors import DomainError
from sync.server.auth.service import Caller
from sync.server.customers import privacy
from sync.server.customers import service as customers
from sync.server.customers.access import accesses_of, record_access
from sync.server.customers.history import customer_history
from sync.server.customers.merge import merge_customers
from sync.server.customers.router import export_customer, profiles
from sync.server.deps import SessionDep
from sync.server.hq.web import PREFIX, FormDep, Page, PageDep, field, redirect, render
from sync.server.omni.campaigns import issued_to
from sync.server.points import service as points
from sync.server.problems import ProblemError

router = APIRouter()
CustomerId = Annotated[int, Path(ge=1, le=2**31 - 1)]
HISTORY_LIMIT = 100
MAX_ADJUST = 1_000_000


def caller_of(page: Page) -> Caller:
    """The console user as the access log names them."""
    return Caller("hq_user", page.viewer.username)


@router.get("/members")
def members(
    request: Request, page: PageDep, session: SessionDep, q: Annotated[str, Query(max_length=100)] = ""
) -> Response:
    """Search by member number, phone, e-mail, name or kana."""
    found = customers.search(session, q=q) if q.strip() else []
    answer = profiles(session, found)
    if found:
        record_access(session, caller_of(page), [c.id for c in found], "search", query=q)
        session.commit()
    return render(page, request, "members.html", q=q, members=answer)


def _member_page(request: Request, page: Page, session: SessionDep, customer_id: int, *, status: int = 200,
                 errors: list[str] | None = None) -> Response:  # fmt: skip
    customer = customers.get_customer(session, customer_id)
    if customer.id != customer_id:
        return redirect(f"{PREFIX}/members/{customer.id}")
    profile = profiles(session, [customer])[0]
    history = customer_history(session, customer_id=customer.id, limit=HISTORY_LIMIT)
    merged = privacy.merged_ids(session, customer.id)
    coupons = issued_to(session, [customer.id, *merged])
    record_access(session, caller_of(page), [customer.id], "history")
    session.commit()
    accesses = (
        accesses_of(session, customer.id, also=merged, limit=20) if page.viewer.role != "manager" else []
    )
    return render(page, request, "member.html", status=status, member=profile, customer=customer, history=history,
                  coupons=coupons, merged=merged, accesses=accesses, errors=errors or [],
                  adjust_key=uuid.uuid4().hex)  # fmt: skip


@router.get("/members/{customer_id}")
def member(customer_id: CustomerId, request: Request, page: PageDep, session: SessionDep) -> Response:
    """The 360° view: profile, points, the timeline the counter shows, coupons, who looked."""
    return _member_page(request, page, session, customer_id)


@router.post("/members/{customer_id}/points")
def adjust_points(
    customer_id: CustomerId, request: Request, page: PageDep, form: FormDep, session: SessionDep
) -> Response:
    """Add or take points with a reason (one entry in the ledger; a double submit counts once)."""
    page.require_admin()
    customer = customers.get_customer(session, customer_id)
    reason, key = field(form, "reason"), field(form, "key")
    try:
        amount = int(field(form, "points").replace(",", ""))
    except ValueError:
        amount = 0
    if not reason or amount == 0 or abs(amount) > MAX_ADJUST or not key.isalnum() or len(key) > 64:
        return _member_page(
            request, page, session, customer.id, status=422, errors=[page.t("member.adjust_invalid")]
        )
    try:
        entry = points.adjust(session, customer_id=customer.id, points=amount, idempotency_key=f"hq:{key}",
                              reason=f"{reason} ({page.viewer.username})")  # fmt: skip
    except (ProblemError, DomainError) as error:
        session.rollback()
        return _member_page(request, page, session, customer.id, status=409, errors=[page.error_text(error)])
    page.audit(
        session,
        "points.adjust",
        customer.member_no,
        points=amount,
        reason=reason,
        balance_after=entry.balance_after,
    )
    session.commit()
    return redirect(f"{PREFIX}/members/{customer.id}", done="points_adjusted")


@router.post("/members/{customer_id}/merge")
def merge(
    customer_id: CustomerId, request: Request, page: PageDep, form: FormDep, session: SessionDep
) -> Response:
    """Merge a duplicate (by member number) into this member: history and points follow this one."""
    page.require_admin()
    survivor = customers.get_customer(session, customer_id)
    duplicate = customers.find_match(
        session, member_no=field(form, "duplicate_member_no"), email=None, phone=None
    )
    if duplicate is None:
        return _member_page(
            request, page, session, survivor.id, status=422, errors=[page.t("member.merge_unknown")]
        )
    try:
        _survivor, moved = merge_customers(session, survivor_id=survivor.id, duplicate_id=duplicate.id)
    except (ProblemError, DomainError) as error:
        session.rollback()
        return _member_page(request, page, session, survivor.id, status=409, errors=[page.error_text(error)])
    page.audit(
        session, "member.merge", survivor.member_no, duplicate=duplicate.member_no, moved_entries=moved
    )
    session.commit()
    return redirect(f"{PREFIX}/members/{survivor.id}", done="merged")


@router.post("/members/{customer_id}/export")
def export(customer_id: CustomerId, page: PageDep, form: FormDep, session: SessionDep) -> Response:
    """Everything held about the member as a JSON file (the API's export; the export is logged)."""
    page.require_admin()
    answer = export_customer(customer_id, session, caller_of(page))
    page.audit(session, "member.export", answer.customer.member_no)
    session.commit()
    return Response(
        content=json.dumps(answer.model_dump(mode="json"), ensure_ascii=False, indent=1).encode("utf-8"),
        media_type="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="member-{answer.customer.member_no}.json"',
            "Cache-Control": "no-store",
        },
    )


@router.post("/members/{customer_id}/erase")
def erase(customer_id: CustomerId, page: PageDep, form: FormDep, session: SessionDep) -> Response:
    """Erase the member on request (anonymised; sales and the points ledger stay for tax records)."""
    page.require_admin()
    if field(form, "confirm") != "ERASE":
        return redirect(f"{PREFIX}/members/{customer_id}", done="erase_not_confirmed")
    erasure = privacy.erase_customer(session, customer_id)
    record_access(session, caller_of(page), [erasure.customer.id], "erase")
    page.audit(session, "member.erase", erasure.customer.member_no, notes_deleted=erasure.notes_deleted,
               browsing_events_deleted=erasure.browsing_events_deleted)  # fmt: skip
    session.commit()
    return redirect(f"{PREFIX}/members/{erasure.customer.id}", done="erased")
