"""Stores and clerks: create, update, and publish them to the change feed."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.server.changes.service import record_change
from sync.server.problems import Invalid, NotFound
from sync.server.security import hash_pin
from sync.server.stores import registration
from sync.server.stores.models import Clerk, Store
from sync.server.stores.schemas import ClerkIn, StoreIn


def get_store(session: Session, code: str) -> Store:
    """The store (or the online location) with ``code``, or 404."""
    store = session.scalar(select(Store).where(Store.code == code))
    if store is None:
        raise NotFound(f"no store {code}")
    return store


def upsert_store(session: Session, *, data: StoreIn) -> tuple[Store, list[str]]:
    """Create a store or update the one with the same code; returns it and registration warnings."""
    number, warnings = registration.validate(data.registration_number)
    store = session.scalar(select(Store).where(Store.code == data.code))
    if store is not None and store.kind != "store":
        raise Invalid(f"{data.code} is not a store code")
    if store is None:
        store = Store(code=data.code, kind="store")
        session.add(store)
    if store.timezone is not None and store.timezone != data.timezone and store.id is not None:
        from sync.server.reports import days  # the days of its sales move: the report's day tables start over

        days.rebuild(session)
    store.name = data.name
    store.registration_number = number
    store.timezone = data.timezone
    for name in ("address", "receipt_header", "receipt_footer"):
        value = getattr(data, name)
        if value is not None:
            setattr(store, name, value)
        elif getattr(store, name) is None:
            setattr(store, name, "")
    session.flush()
    publish_store(session, store)
    return store, warnings


def publish_store(session: Session, store: Store) -> None:
    """Put the store's settings on the change feed for its terminals."""
    record_change(
        session,
        entity="store",
        key=store.code,
        store_code=store.code,
        payload={
            "code": store.code,
            "name": store.name,
            "registration_number": store.registration_number,
            "timezone": store.timezone,
            "address": store.address,
            "receipt_header": store.receipt_header,
            "receipt_footer": store.receipt_footer,
        },
    )


def upsert_clerk(session: Session, *, data: ClerkIn) -> tuple[Clerk, bool]:
    """Create a clerk or update the one with the same store and code; the PIN is stored hashed."""
    store = get_store(session, data.store)
    if store.kind != "store":
        raise Invalid("clerks belong to stores")
    clerk = session.scalar(select(Clerk).where(Clerk.store_id == store.id, Clerk.code == data.code))
    created = clerk is None
    if clerk is None:
        clerk = Clerk(store_id=store.id, code=data.code)
        session.add(clerk)
    clerk.name = data.name
    clerk.role = data.role
    clerk.pin_hash = hash_pin(data.pin)
    clerk.active = True
    session.flush()
    publish_clerk(session, clerk, store_code=store.code)
    return clerk, created


def publish_clerk(session: Session, clerk: Clerk, *, store_code: str) -> None:
    """Put a clerk (with the PIN hash terminals verify offline) on the store's change feed."""
    record_change(
        session,
        entity="clerk",
        key=f"{store_code}:{clerk.code}",
        store_code=store_code,
        payload={
            "code": clerk.code,
            "name": clerk.name,
            "role": clerk.role,
            "pin_hash": clerk.pin_hash,
            "active": clerk.active,
        },
    )


def list_stores(session: Session, *, store_ids: Collection[int] | None = None) -> list[Store]:
    """The stores (not the online warehouse) by code; only ``store_ids`` when given."""
    query = select(Store).where(Store.kind == "store").order_by(Store.code)
    if store_ids is not None:
        query = query.where(Store.id.in_(list(store_ids)))
    return list(session.scalars(query))


def list_clerks(session: Session, store: Store) -> list[Clerk]:
    """A store's clerks by code (inactive ones included)."""
    return list(session.scalars(select(Clerk).where(Clerk.store_id == store.id).order_by(Clerk.code)))


def set_clerk_active(session: Session, store: Store, code: str, *, active: bool) -> Clerk:
    """Let a clerk sign in again, or stop them (terminals learn it through the feed)."""
    clerk = session.scalar(select(Clerk).where(Clerk.store_id == store.id, Clerk.code == code))
    if clerk is None:
        raise NotFound(f"no clerk {code} in {store.code}")
    clerk.active = active
    session.flush()
    publish_clerk(session, clerk, store_code=store.code)
    return clerk


def get_store_by_id(session: Session, store_id: int) -> Store:
    """The location with database id ``store_id``."""
    return session.get_one(Store, store_id)
