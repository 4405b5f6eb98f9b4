"""Stores, their clerks, pairing codes (large, with a QR code and a countdown) and their devices."""

from __future__ import annotations

from typing import Annotated

import segno
from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy import select

from posapp.domain.errors import DomainError
from sync.server.auth import service as auth_service
from sync.server.auth.models import Device
from sync.server.deps import SessionDep, SettingsDep
from sync.server.hq.web import PREFIX, FormDep, Page, PageDep, field, redirect, render
from sync.server.problems import ProblemError
from sync.server.stores import service
from sync.server.stores.models import Store
from sync.server.stores.schemas import ClerkIn, StoreIn

router = APIRouter()
StoreCode = Annotated[str, Path(min_length=1, max_length=16)]
STORE_FIELDS = (
    "code",
    "name",
    "registration_number",
    "timezone",
    "address",
    "receipt_header",
    "receipt_footer",
)


def _visible_store(page: Page, session: SessionDep, code: str) -> Store:
    store = service.get_store(session, code)
    if store.kind != "store":
        raise ProblemError(404, f"no store {code}", slug="not-found")
    page.require_store(store.id)
    return store


def _scope(page: Page) -> frozenset[int] | None:
    return page.viewer.store_ids if page.viewer.role == "manager" else None


def validation_messages(page: Page, error: ValidationError) -> list[str]:
    """Each refused field named in the viewer's language."""
    return [
        f"{page.t('field.' + str(item['loc'][0])) if item['loc'] else ''}: {item['msg']}"
        for item in error.errors()
    ]


@router.get("/stores")
def stores(request: Request, page: PageDep, session: SessionDep) -> Response:
    """The stores this viewer may see, with their devices."""
    rows = service.list_stores(session, store_ids=_scope(page))
    devices: dict[int, int] = {}
    for device, _code in auth_service.list_devices(session):
        if device.revoked_at is None:
            devices[device.store_id] = devices.get(device.store_id, 0) + 1
    return render(page, request, "stores.html", stores=rows, devices=devices)


@router.get("/stores/new")
def new_store(request: Request, page: PageDep) -> Response:
    """An empty store form (HQ admins only)."""
    page.require_admin()
    return render(page, request, "store_form.html", store=None, values={"timezone": "Asia/Tokyo"}, errors=[])


def _save_store(
    request: Request, page: Page, session: SessionDep, form: FormDep, *, existing: Store | None
) -> Response:
    values = {name: field(form, name) for name in STORE_FIELDS}
    if existing is not None:
        values["code"] = existing.code
    try:
        data = StoreIn.model_validate(values)
        store, warnings = service.upsert_store(session, data=data)
    except ValidationError as error:
        return render(page, request, "store_form.html", status=422, store=existing, values=values,
                      errors=validation_messages(page, error))  # fmt: skip
    except (ProblemError, DomainError) as error:
        session.rollback()
        return render(page, request, "store_form.html", status=422, store=existing, values=values,
                      errors=[page.error_text(error)])  # fmt: skip
    page.audit(session, "store.create" if existing is None else "store.update", store.code,
               **{name: values[name] for name in STORE_FIELDS}, warnings=warnings)  # fmt: skip
    session.commit()
    return redirect(
        f"{PREFIX}/stores/{store.code}", done="store_saved" if not warnings else "store_saved_warning"
    )


@router.post("/stores")
def create_store(request: Request, page: PageDep, form: FormDep, session: SessionDep) -> Response:
    """Create a store (its code must be new)."""
    page.require_admin()
    if session.scalar(select(Store.id).where(Store.code == field(form, "code"))) is not None:
        values = {name: field(form, name) for name in STORE_FIELDS}
        return render(page, request, "store_form.html", status=409, store=None, values=values,
                      errors=[page.t("stores.code_taken")])  # fmt: skip
    return _save_store(request, page, session, form, existing=None)


@router.get("/stores/{code}")
def store_detail(code: StoreCode, request: Request, page: PageDep, session: SessionDep) -> Response:
    """A store: its details, clerks and devices, and the button that makes a pairing code."""
    store = _visible_store(page, session, code)
    devices = [device for device, _code in auth_service.list_devices(session) if device.store_id == store.id]
    return render(page, request, "store.html", store=store, clerks=service.list_clerks(session, store),
                  devices=devices, clerk_values={}, errors=[])  # fmt: skip


@router.get("/stores/{code}/edit")
def edit_store(code: StoreCode, request: Request, page: PageDep, session: SessionDep) -> Response:
    """The store's form, filled in."""
    store = _visible_store(page, session, code)
    page.require_change()
    values = {name: getattr(store, name) or "" for name in STORE_FIELDS}
    return render(page, request, "store_form.html", store=store, values=values, errors=[])


@router.post("/stores/{code}")
def update_store(
    code: StoreCode, request: Request, page: PageDep, form: FormDep, session: SessionDep
) -> Response:
    """Save the store's details (terminals get them through the feed)."""
    store = _visible_store(page, session, code)
    page.require_change()
    return _save_store(request, page, session, form, existing=store)


@router.post("/stores/{code}/clerks")
def save_clerk(
    code: StoreCode, request: Request, page: PageDep, form: FormDep, session: SessionDep
) -> Response:
    """Create a clerk or change one (name, role, PIN); the PIN is stored hashed, never shown again."""
    store = _visible_store(page, session, code)
    page.require_change()
    values = {"store": store.code, **{name: field(form, name) for name in ("code", "name", "pin", "role")}}
    try:
        clerk, created = service.upsert_clerk(session, data=ClerkIn.model_validate(values))
    except ValidationError as error:
        errors = validation_messages(page, error)
    except (ProblemError, DomainError) as error:
        session.rollback()
        errors = [page.error_text(error)]
    else:
        page.audit(session, "clerk.create" if created else "clerk.update", f"{store.code}:{clerk.code}",
                   name=clerk.name, role=clerk.role, pin="(set)")  # fmt: skip
        session.commit()
        return redirect(f"{PREFIX}/stores/{store.code}", done="clerk_saved")
    values.pop("pin", None)
    devices = [device for device, _code in auth_service.list_devices(session) if device.store_id == store.id]
    return render(page, request, "store.html", status=422, store=store, clerks=service.list_clerks(session, store),
                  devices=devices, clerk_values=values, errors=errors)  # fmt: skip


@router.post("/stores/{code}/clerks/{clerk}/active")
def clerk_active(
    code: StoreCode, clerk: Annotated[str, Path(max_length=8)], request: Request, page: PageDep, form: FormDep,
    session: SessionDep,
) -> Response:  # fmt: skip
    """Stop a clerk from signing in, or let them again."""
    store = _visible_store(page, session, code)
    page.require_change()
    active = field(form, "active") == "1"
    service.set_clerk_active(session, store, clerk, active=active)
    page.audit(session, "clerk.enable" if active else "clerk.disable", f"{store.code}:{clerk}")
    session.commit()
    return redirect(f"{PREFIX}/stores/{store.code}", done="clerk_saved")


@router.post("/stores/{code}/pairing-codes")
def pairing_code(
    code: StoreCode,
    request: Request,
    page: PageDep,
    form: FormDep,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    """A one-use code to pair a register with this store, shown once: large, as a QR code, with its expiry."""
    store = _visible_store(page, session, code)
    page.require_change()
    text, row = auth_service.create_pairing_code(session, store=store, minutes=settings.pairing_code_minutes)
    page.audit(session, "pairing_code.create", store.code, expires_at=row.expires_at.isoformat())
    session.commit()
    server_url = str(request.base_url).rstrip("/")
    qr = segno.make(f"omnipos://pair?server={server_url}&code={text}", error="m")
    return render(page, request, "pairing.html", store=store, code=text, expires_at=row.expires_at,
                  server_url=server_url, qr_svg=qr.svg_inline(scale=6, dark="#111", light="#fff"))  # fmt: skip


@router.post("/devices/{device_id}/revoke")
def revoke_device(
    device_id: Annotated[str, Path(max_length=36)],
    request: Request,
    page: PageDep,
    form: FormDep,
    session: SessionDep,
) -> Response:
    """Revoke a register's token: its next push or pull is refused (401)."""
    device = session.get(Device, device_id)
    if device is None:
        raise ProblemError(404, f"no device {device_id}", slug="not-found")
    page.require_store(device.store_id)
    page.require_change()
    _device, store_code = auth_service.revoke_device(session, device_id=device_id)
    page.audit(session, "device.revoke", device_id, store=store_code, name=device.name)
    session.commit()
    return redirect(f"{PREFIX}/stores/{store_code}", done="device_revoked")
