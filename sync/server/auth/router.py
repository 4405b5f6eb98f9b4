"""Pairing for terminals; HQ endpoints for devices and channels."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from sync.server.auth import service
from sync.server.auth.models import Device
from sync.server.auth.schemas import ChannelIn, ChannelOut, DeviceOut, PairIn, PairOut
from sync.server.deps import AdminDep, SessionDep
from sync.server.problems import PROBLEM_RESPONSES

device_router = APIRouter(prefix="/v1/devices", tags=["device"], responses=PROBLEM_RESPONSES)
admin_router = APIRouter(prefix="/v1/admin", tags=["admin"], responses=PROBLEM_RESPONSES)


@device_router.post("/pair", response_model=PairOut, status_code=201)
def pair(body: PairIn, session: SessionDep) -> PairOut:
    """Trade a one-use pairing code for a device token scoped to the code's store."""
    device, token, store_code = service.pair_device(
        session, pairing_code=body.pairing_code, device_name=body.device_name
    )
    terminal_code = service.terminal_number(session, device)
    session.commit()
    return PairOut(device_id=device.id, token=token, store_code=store_code, terminal_code=terminal_code)


def _device_out(device: Device, store_code: str) -> DeviceOut:
    return DeviceOut(
        device_id=device.id,
        name=device.name,
        store_code=store_code,
        created_at=device.created_at,
        revoked_at=device.revoked_at,
    )


@admin_router.get("/devices", response_model=list[DeviceOut])
def list_devices(session: SessionDep, admin: AdminDep) -> list[DeviceOut]:
    """Every paired device, newest first."""
    return [_device_out(device, code) for device, code in service.list_devices(session)]


@admin_router.post("/devices/{device_id}/revoke", response_model=DeviceOut)
def revoke_device(
    device_id: Annotated[str, Path(min_length=1, max_length=36)], session: SessionDep, admin: AdminDep
) -> DeviceOut:
    """Revoke a device token; the terminal gets 401 from then on."""
    device, code = service.revoke_device(session, device_id=device_id)
    session.commit()
    return _device_out(device, code)


@admin_router.post("/channels", response_model=ChannelOut, status_code=201)
def create_channel(body: ChannelIn, session: SessionDep, admin: AdminDep) -> ChannelOut:
    """Register an online-shop integration; its API key is shown only in this answer."""
    key = service.create_channel(session, name=body.name)
    session.commit()
    return ChannelOut(name=body.name, api_key=key)
