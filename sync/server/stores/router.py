"""HQ endpoints for stores, pairing codes and clerks."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from sync.server.auth import service as auth_service
from sync.server.deps import AdminDep, SessionDep, SettingsDep
from sync.server.problems import PROBLEM_RESPONSES, Invalid
from sync.server.stores import service
from sync.server.stores.schemas import ClerkIn, ClerkOut, PairingCodeOut, StoreIn, StoreOut

router = APIRouter(prefix="/v1/admin", tags=["admin"], responses=PROBLEM_RESPONSES)


@router.post("/stores", response_model=StoreOut, status_code=201)
def create_store(body: StoreIn, session: SessionDep, admin: AdminDep) -> StoreOut:
    """Create a store, or update the one with the same code."""
    store, warnings = service.upsert_store(session, data=body)
    session.commit()
    return StoreOut(
        code=store.code,
        name=store.name,
        registration_number=store.registration_number,
        timezone=store.timezone,
        address=store.address,
        receipt_header=store.receipt_header,
        receipt_footer=store.receipt_footer,
        warnings=warnings,
    )


@router.post("/stores/{code}/pairing-codes", response_model=PairingCodeOut, status_code=201)
def create_pairing_code(
    code: Annotated[str, Path(min_length=1, max_length=16)],
    session: SessionDep,
    settings: SettingsDep,
    admin: AdminDep,
) -> PairingCodeOut:
    """A one-use, short-lived code to pair a terminal with this store."""
    store = service.get_store(session, code)
    if store.kind != "store":
        raise Invalid("terminals pair with stores only")
    text, row = auth_service.create_pairing_code(session, store=store, minutes=settings.pairing_code_minutes)
    session.commit()
    return PairingCodeOut(code=text, expires_at=row.expires_at)


@router.post("/clerks", response_model=ClerkOut, status_code=201)
def create_clerk(body: ClerkIn, session: SessionDep, admin: AdminDep) -> ClerkOut:
    """Create a clerk, or update the one with the same store and code."""
    clerk, created = service.upsert_clerk(session, data=body)
    session.commit()
    return ClerkOut(store=body.store, code=clerk.code, name=clerk.name, role=clerk.role, created=created)
