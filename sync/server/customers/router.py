"""Device endpoints for customers (search, profile, history, register, notes); HQ merge."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from sync.server.customers import service
from sync.server.customers.history import customer_history
from sync.server.customers.merge import merge_customers
from sync.server.customers.models import Customer, CustomerNote
from sync.server.customers.schemas import (
    CustomerIn,
    CustomerOut,
    HistoryEntry,
    MergeIn,
    MergeOut,
    NoteIn,
    SearchQuery,
)
from sync.server.deps import AdminDep, DeviceDep, DeviceOrAdminDep, SessionDep
from sync.server.points import service as points_service
from sync.server.problems import PROBLEM_RESPONSES, Forbidden

router = APIRouter(prefix="/v1/customers", tags=["device"], responses=PROBLEM_RESPONSES)
admin_router = APIRouter(prefix="/v1/admin/customers", tags=["admin"], responses=PROBLEM_RESPONSES)
CustomerId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def customer_out(session: SessionDep, customer: Customer) -> CustomerOut:
    """The profile of ``customer`` with its balance."""
    return CustomerOut(
        id=customer.id,
        member_no=customer.member_no,
        name=customer.name,
        name_kana=customer.name_kana,
        email=customer.email,
        phone=customer.phone,
        home_store=service.home_store_code(session, customer),
        points_balance=points_service.balance(session, customer_id=customer.id),
        created_at=customer.created_at,
    )


@router.get("", response_model=list[CustomerOut])
def search_customers(
    q: Annotated[SearchQuery, Query()], session: SessionDep, caller: DeviceOrAdminDep
) -> list[CustomerOut]:
    """Find customers by member number, phone, email, name or kana (at most 50)."""
    return [customer_out(session, customer) for customer in service.search(session, q=q)]


@router.post("", response_model=CustomerOut, status_code=201)
def register_customer(body: CustomerIn, session: SessionDep, device: DeviceDep) -> CustomerOut:
    """Register a customer at the device's store."""
    if body.home_store is not None and body.home_store != device.store_code:
        raise Forbidden("a device registers customers for its own store only")
    customer = service.register(
        session,
        name=body.name,
        name_kana=body.name_kana,
        email=body.email,
        phone=body.phone,
        member_no=body.member_no,
        home_store_id=device.store_id,
    )
    session.commit()
    return customer_out(session, customer)


@router.get("/{customer_id}", response_model=CustomerOut)
def get_customer(customer_id: CustomerId, session: SessionDep, caller: DeviceOrAdminDep) -> CustomerOut:
    """A customer's profile and points balance (a merged id answers with the survivor)."""
    return customer_out(session, service.get_customer(session, customer_id))


@router.get("/{customer_id}/history", response_model=list[HistoryEntry])
def get_history(
    customer_id: CustomerId,
    session: SessionDep,
    caller: DeviceOrAdminDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[HistoryEntry]:
    """The customer's timeline across stores and the online shop, newest first."""
    customer = service.get_customer(session, customer_id)
    return customer_history(session, customer_id=customer.id, limit=limit)


@router.post("/{customer_id}/notes", response_model=HistoryEntry, status_code=201)
def add_note(customer_id: CustomerId, body: NoteIn, session: SessionDep, device: DeviceDep) -> HistoryEntry:
    """Write a note about the customer, signed with the device's store."""
    customer = service.get_customer(session, customer_id)
    note = CustomerNote(customer_id=customer.id, store_code=device.store_code, body=body.body)
    session.add(note)
    session.commit()
    return HistoryEntry(
        kind="note",
        channel="store",
        location=note.store_code,
        occurred_at=note.created_at,
        reference=str(note.id),
        detail=note.body,
    )


@admin_router.post("/merge", response_model=MergeOut)
def merge(body: MergeIn, session: SessionDep, admin: AdminDep) -> MergeOut:
    """Merge a duplicate customer into the survivor; history and points follow the survivor."""
    survivor, moved = merge_customers(session, survivor_id=body.survivor_id, duplicate_id=body.duplicate_id)
    session.commit()
    return MergeOut(survivor=customer_out(session, survivor), moved_entries=moved)
