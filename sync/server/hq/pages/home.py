"""The start page: today's sales per store, what needs attention, and whether the registers keep up."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from sync.server.deps import SessionDep
from sync.server.hq.web import PageDep, chain_today, render
from sync.server.operations import service as operations
from sync.server.reports.summary import summary
from sync.server.stores import service as stores_service

router = APIRouter()


@router.get("/")
def home(request: Request, page: PageDep, session: SessionDep) -> Response:
    """Today at a glance (a store manager sees their stores only)."""
    scope = page.viewer.store_ids if page.viewer.role == "manager" else None
    today = chain_today()
    report = summary(session, first=today, last=today, store_ids=scope)
    stores = stores_service.list_stores(session, store_ids=scope)
    ops = operations.status(session)
    return render(page, request, "home.html", today=today, report=report, stores=stores, ops=ops)
