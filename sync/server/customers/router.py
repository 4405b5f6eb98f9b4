"""Device endpoints for customers (search, profile, history, register, notes, every look logged);
HQ merge, access log, export and erasure on request."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.protocol.contacts import ContactOut
from sync.server.answers import json_answer
from sync.server.auth.service import Caller
from sync.server.channel.models import OnlineOrder
from sync.server.customers import lookup, privacy, service
from sync.server.customers.access import CustomerAccess, accesses_of, record_access
from sync.server.customers.history import customer_history
from sync.server.customers.merge import merge_customers
from sync.server.customers.models import Customer, CustomerNote
from sync.server.customers.schemas import (
    AccessOut,
    CustomerExport,
    CustomerIn,
    CustomerOut,
    ErasureOut,
    ExportBrowsingEvent,
    ExportNote,
    ExportOrder,
    ExportPointsEntry,
    ExportSale,
    HistoryEntry,
    MergeIn,
    MergeOut,
    NoteIn,
    SearchQuery,
)
from sync.server.db.base import utcnow
from sync.server.deps import AdminDep, DeviceDep, DeviceOrAdminDb, DeviceOrAdminDep, SessionDep
from sync.server.points.models import PointsEntry
from sync.server.problems import PROBLEM_RESPONSES, Forbidden, NotFound
from sync.server.sales.models import StoreSale
from sync.server.stores.models import Store

router = APIRouter(prefix="/v1/customers", tags=["device"], responses=PROBLEM_RESPONSES)
admin_router = APIRouter(prefix="/v1/admin/customers", tags=["admin"], responses=PROBLEM_RESPONSES)
CustomerId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def customer_out(session: Session, customer: Customer) -> CustomerOut:
    """The profile of ``customer`` with its balance."""
    return profiles(session, [customer])[0]


def profiles(session: Session, customers: list[Customer]) -> list[CustomerOut]:
    """Answer bodies for ``customers``, their balances and home stores looked up in one query."""
    balances, store_codes = service.page_extras(session, customers)
    return [
        CustomerOut(
            id=customer.id,
            member_no=customer.member_no,
            name=customer.name,
            name_kana=customer.name_kana,
            email=customer.email,
            phone=customer.phone,
            home_store=store_codes.get(customer.home_store_id) if customer.home_store_id else None,
            points_balance=balances.get(customer.id, 0),
            created_at=customer.created_at,
        )
        for customer in customers
    ]


@router.get("", response_model=list[CustomerOut])
async def search_customers(q: Annotated[SearchQuery, Query()], auth: DeviceOrAdminDb) -> Response:
    """Find customers by member number, phone, email, name or kana (at most 50); text of digits only is
    a member or phone number, not looked for inside names."""
    db = auth.db
    if db.on_loop:  # one statement on the event loop: the search, the answer's extras and the access log
        query, params = lookup.search_query(q, auth.caller)
        return json_answer(lookup.found(await db.fetch_all(query, **params)))
    return json_answer(await db.run(_search, q, auth.caller))


def _search(session: Session, q: str, caller: Caller) -> list[CustomerOut]:
    found = service.search(session, q=q)
    answer = profiles(session, found)
    record_access(session, caller, [customer.id for customer in found], "search", query=q)
    session.commit()
    return answer


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
async def get_customer(customer_id: CustomerId, auth: DeviceOrAdminDb) -> Response:
    """A customer's profile and points balance (a merged id answers with the survivor)."""
    db = auth.db
    if db.on_loop:  # one statement on the event loop: the merges followed, the profile, the access log
        query, params = lookup.profile_query(customer_id, auth.caller)
        answer = lookup.found(await db.fetch_all(query, **params))
        if not answer:
            raise NotFound(f"no customer {customer_id}")
        return json_answer(answer[0])
    return json_answer(await db.run(_profile, customer_id, auth.caller))


def _profile(session: Session, customer_id: int, caller: Caller) -> CustomerOut:
    customer = service.get_customer(session, customer_id)
    answer = customer_out(session, customer)
    record_access(session, caller, [customer.id], "profile")
    session.commit()
    return answer


@router.get("/{customer_id}/history", response_model=list[HistoryEntry])
def get_history(
    customer_id: CustomerId,
    session: SessionDep,
    caller: DeviceOrAdminDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[HistoryEntry]:
    """The customer's timeline across stores and the online shop, newest first."""
    customer = service.get_customer(session, customer_id)
    answer = customer_history(session, customer_id=customer.id, limit=limit)
    record_access(session, caller, [customer.id], "history")
    session.commit()
    return answer


@router.post("/{customer_id}/notes", response_model=HistoryEntry, status_code=201)
def add_note(customer_id: CustomerId, body: NoteIn, session: SessionDep, device: DeviceDep) -> HistoryEntry:
    """Write a note about the customer, signed with the device's store."""
    customer = service.get_customer(session, customer_id)
    note = CustomerNote(customer_id=customer.id, store_code=device.store_code, body=body.body)
    session.add(note)
    session.commit()
    store_name = session.scalar(select(Store.name).where(Store.code == note.store_code))
    return HistoryEntry(
        kind="note",
        channel="store",
        location=note.store_code,
        location_name=store_name,
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


def access_out(access: CustomerAccess) -> AccessOut:
    """One row of the access log as the API shows it."""
    return AccessOut(
        caller_kind=access.caller_kind,
        caller_id=access.caller_id,
        store_code=access.store_code,
        action=access.action,
        query=access.query,
        at=access.at,
    )


@admin_router.get("/{customer_id}/access-log", response_model=list[AccessOut])
def access_log(
    customer_id: CustomerId,
    session: SessionDep,
    admin: AdminDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[AccessOut]:
    """Who looked at the customer (devices and HQ tokens, with their store), newest first."""
    customer = service.get_customer(session, customer_id)
    merged = privacy.merged_ids(session, customer.id)
    return [access_out(access) for access in accesses_of(session, customer.id, also=merged, limit=limit)]


@admin_router.get("/{customer_id}/export", response_model=CustomerExport)
def export_customer(customer_id: CustomerId, session: SessionDep, admin: AdminDep) -> CustomerExport:
    """Everything held about the customer, for a disclosure request (the export itself is logged)."""
    customer = service.get_customer(session, customer_id)
    record_access(session, admin, [customer.id], "export")
    session.flush()
    held = privacy.holdings(session, customer)
    codes: dict[int, str] = {
        store_id: code for store_id, code in session.execute(select(Store.id, Store.code))
    }
    answer = CustomerExport(
        purpose_of_use=privacy.PURPOSE_OF_USE,
        exported_at=utcnow(),
        customer=customer_out(session, customer),
        erased_at=customer.erased_at,
        merged_ids=held.merged_ids,
        notes=[
            ExportNote(id=note.id, store_code=note.store_code, body=note.body, created_at=note.created_at)
            for note in held.notes
        ],
        points=[_export_points(entry) for entry in held.points],
        store_sales=[_export_sale(sale, codes) for sale in held.sales],
        online_orders=[_export_order(order, codes) for order in held.orders],
        browsing_events=[
            ExportBrowsingEvent(sku=event.sku, kind=event.kind, at=event.at) for event in held.browsing
        ],
        contacts=_contacts_export(session, [customer.id, *held.merged_ids]),
        access_log=[access_out(access) for access in held.accesses],
    )
    session.commit()
    return answer


@admin_router.post("/{customer_id}/erase", response_model=ErasureOut)
def erase_customer(customer_id: CustomerId, session: SessionDep, admin: AdminDep) -> ErasureOut:
    """Erase a member on request: name, kana, email, phone, notes and browsing events go, sales and
    the points ledger stay (tax records); terminals get the anonymised profile. Repeating it is harmless."""
    erasure = privacy.erase_customer(session, customer_id)
    record_access(session, admin, [erasure.customer.id], "erase")
    session.commit()
    return ErasureOut(
        customer=customer_out(session, erasure.customer),
        erased_at=erasure.erased_at,
        notes_deleted=erasure.notes_deleted,
        browsing_events_deleted=erasure.browsing_events_deleted,
        contacts_deleted=erasure.contacts_deleted,
    )


def _export_points(entry: PointsEntry) -> ExportPointsEntry:
    return ExportPointsEntry(
        id=entry.id,
        kind=entry.kind,
        points=entry.points,
        balance_after=entry.balance_after,
        source=entry.source,
        reason=entry.reason,
        location=entry.location,
        created_at=entry.created_at,
    )


def _export_sale(sale: StoreSale, codes: dict[int, str]) -> ExportSale:
    return ExportSale(
        id=sale.id,
        kind=sale.kind,
        store=codes.get(sale.store_id),
        receipt_no=sale.receipt_no,
        sold_at=sale.sold_at,
        total=sale.total,
        items=sale.items,
        points_used=sale.points_used,
        points_earned=sale.points_earned,
    )


def _export_order(order: OnlineOrder, codes: dict[int, str]) -> ExportOrder:
    return ExportOrder(
        order_id=order.order_id,
        location=codes.get(order.location_id),
        fulfilment_type=order.fulfilment_type,
        status=order.status,
        ordered_at=order.ordered_at,
        total=order.total,
        items=order.items,
        points_used=order.points_used,
        points_earned=order.points_earned,
        cancelled_at=order.cancelled_at,
    )


def _contacts_export(session: SessionDep, customer_ids: list[int]) -> list[ContactOut]:
    from sync.server.contacts import service as contacts_service  # contacts depend on customers, not back

    contacts = list(reversed(contacts_service.contacts_of(session, customer_ids)))
    return contacts_service.answers(session, contacts, reader=contacts_service.Author("hq", "export", "HQ"))
