"""Pairing for terminals; HQ endpoints for devices, channels and HQ tokens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request

from sync.server.auth import service
from sync.server.auth.models import Channel, Device
from sync.server.auth.schemas import (
    AdminTokenInfo,
    ChannelIn,
    ChannelInfo,
    ChannelOut,
    DeviceOut,
    PairIn,
    PairOut,
)
from sync.server.auth.throttle import PairingThrottle, client_address, get_pairing_throttle
from sync.server.deps import AdminDep, SessionDep
from sync.server.problems import PROBLEM_RESPONSES, problem_responses

device_router = APIRouter(prefix="/v1/devices", tags=["device"], responses=PROBLEM_RESPONSES)
admin_router = APIRouter(prefix="/v1/admin", tags=["admin"], responses=PROBLEM_RESPONSES)


RowId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@device_router.post("/pair", response_model=PairOut, status_code=201, responses=problem_responses(429))
def pair(
    body: PairIn,
    session: SessionDep,
    request: Request,
    throttle: Annotated[PairingThrottle, Depends(get_pairing_throttle)],
) -> PairOut:
    """Trade a one-use pairing code for a device token scoped to the code's store.

    Failed attempts are limited per client address and overall: past the limit the answer is 429 with
    ``Retry-After``, whatever the code.
    """
    address = client_address(request)
    throttle.check(session, address)
    try:
        device, token, store_code = service.pair_device(
            session, pairing_code=body.pairing_code, device_name=body.device_name
        )
    except service.PairingCodeRejected:
        session.rollback()  # of the attempt only its count is kept
        throttle.failed(session, address)
        session.commit()
        raise
    terminal_code = service.terminal_number(device)
    session.commit()
    return PairOut(device_id=device.id, token=token, store_code=store_code, terminal_code=terminal_code)


def _device_out(device: Device, store_code: str) -> DeviceOut:
    return DeviceOut(
        device_id=device.id,
        name=device.name,
        store_code=store_code,
        terminal_code=service.terminal_number(device),
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
    channel, key = service.issue_channel(session, name=body.name, kind=body.kind)
    session.commit()
    return ChannelOut(id=channel.id, name=channel.name, kind=channel.kind, api_key=key)


def _channel_info(channel: Channel) -> ChannelInfo:
    return ChannelInfo(
        id=channel.id,
        name=channel.name,
        kind=channel.kind,
        created_at=channel.created_at,
        revoked_at=channel.revoked_at,
    )


@admin_router.get("/channels", response_model=list[ChannelInfo])
def list_channels(session: SessionDep, admin: AdminDep) -> list[ChannelInfo]:
    """Every online-shop integration (keys are never shown again), newest first."""
    return [_channel_info(channel) for channel in service.list_channels(session)]


@admin_router.post("/channels/{channel_id}/revoke", response_model=ChannelInfo)
def revoke_channel(channel_id: RowId, session: SessionDep, admin: AdminDep) -> ChannelInfo:
    """Revoke a channel's API key; the shop gets 401 from then on."""
    channel = service.revoke_channel(session, channel_id)
    session.commit()
    return _channel_info(channel)


@admin_router.post("/tokens/{token_id}/revoke", response_model=AdminTokenInfo)
def revoke_admin_token(token_id: RowId, session: SessionDep, admin: AdminDep) -> AdminTokenInfo:
    """Revoke an HQ token; it gets 401 from then on. The token making the call cannot revoke itself (409)."""
    row = service.revoke_admin_token(session, token_id, acting_token_id=int(admin.credential_id))
    session.commit()
    return AdminTokenInfo(id=row.id, label=row.label, created_at=row.created_at, revoked_at=row.revoked_at)
