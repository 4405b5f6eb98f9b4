"""Issuing, checking and revoking credentials; pairing a terminal with a one-time code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from sync.server.auth.models import AdminToken, Channel, Device, PairingCode
from sync.server.db.base import utcnow, uuid7
from sync.server.problems import Conflict, Invalid, NotFound
from sync.server.security import hash_token, new_pairing_code, new_token
from sync.server.stores.models import Store

_AUTHENTICATED_DEVICE = "authenticated_device"
REVOKED_IN_SESSION = "revoked_credential"
"""``session.info`` key set by every revocation: the token cache (``auth.cache``) forgets at commit."""
CallerKind = Literal["admin", "device", "channel", "hq_user"]
"""``hq_user``: a person signed in to the HQ console (their user name is the credential id in logs)."""


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is calling: the kind of credential and, for a device, its store; for a channel, its id."""

    kind: CallerKind
    credential_id: str
    store_id: int | None = None
    store_code: str | None = None


def authenticate(session: Session, token: str) -> Caller | None:
    """The caller a bearer token belongs to, or ``None`` when it is unknown or revoked."""
    digest = hash_token(token)
    if token.startswith("adm_"):
        admin = session.scalar(select(AdminToken).where(AdminToken.token_hash == digest))
        if admin is not None and admin.revoked_at is None:
            return Caller("admin", str(admin.id))
    elif token.startswith("dev_"):
        row = session.execute(
            select(Device, Store.code)
            .join(Store, Store.id == Device.store_id)
            .where(Device.token_hash == digest)
        ).first()
        if row is not None and row[0].revoked_at is None:
            session.info[_AUTHENTICATED_DEVICE] = row[0]  # kept for note_device_contact (no second read)
            return Caller("device", row[0].id, store_id=row[0].store_id, store_code=row[1])
    elif token.startswith("chn_"):
        channel = session.scalar(select(Channel).where(Channel.key_hash == digest))
        if channel is not None and channel.revoked_at is None:
            return Caller("channel", str(channel.id))
    return None


class PairingCodeRejected(Invalid):
    """The pairing code is unknown, used or expired (a failed attempt, counted by the throttle)."""

    def __init__(self) -> None:
        super().__init__("the pairing code is unknown, used or expired", slug="pairing-code")


def issue_admin_token(session: Session, *, label: str = "") -> tuple[AdminToken, str]:
    """Make an HQ token and return its row (for the id) and its text (shown once; only the hash is kept)."""
    token = new_token("adm")
    row = AdminToken(token_hash=hash_token(token), label=label)
    session.add(row)
    session.flush()
    return row, token


def create_admin_token(session: Session, *, label: str = "") -> str:
    """Make an HQ token; only its hash is stored, so the returned text is the one chance to see it."""
    return issue_admin_token(session, label=label)[1]


def revoke_admin_token(session: Session, token_id: int, *, acting_token_id: int | None = None) -> AdminToken:
    """Revoke an HQ token (idempotent); it gets 401 from then on.

    ``acting_token_id`` is the token making the request: HQ may not revoke that one, so it cannot lock
    itself out by mistake (``posapp-server admin-token`` makes a new one; the CLI may revoke any).
    """
    row = session.get(AdminToken, token_id)
    if row is None:
        raise NotFound(f"no admin token {token_id}")
    if acting_token_id is not None and row.id == acting_token_id:
        raise Conflict("an admin token cannot revoke itself; use another admin token", slug="own-token")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.info[REVOKED_IN_SESSION] = True
        session.flush()
    return row


def create_channel(session: Session, *, name: str, kind: str = "web") -> str:
    """Register an online-shop integration and return its API key (shown once)."""
    return issue_channel(session, name=name, kind=kind)[1]


def issue_channel(session: Session, *, name: str, kind: str = "web") -> tuple[Channel, str]:
    """Register a channel (a web shop or a call centre); return its row (for the id) and its API key (shown once)."""
    key = new_token("chn")
    row = Channel(name=name, kind=kind, key_hash=hash_token(key))
    session.add(row)
    session.flush()
    return row, key


def list_channels(session: Session) -> list[Channel]:
    """Every online-shop integration, revoked ones included, newest first."""
    return list(session.scalars(select(Channel).order_by(Channel.id.desc())))


def revoke_channel(session: Session, channel_id: int) -> Channel:
    """Revoke a channel's API key (idempotent); the shop gets 401 from then on."""
    row = session.get(Channel, channel_id)
    if row is None:
        raise NotFound(f"no channel {channel_id}")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.info[REVOKED_IN_SESSION] = True
        session.flush()
    return row


def create_pairing_code(session: Session, *, store: Store, minutes: int) -> tuple[str, PairingCode]:
    """A one-use pairing code for ``store`` that expires after ``minutes``."""
    code = new_pairing_code()
    row = PairingCode(
        store_id=store.id, code_hash=hash_token(code), expires_at=utcnow() + timedelta(minutes=minutes)
    )
    session.add(row)
    session.flush()
    return code, row


def terminal_number(device: Device) -> str:
    """The device's register number as receipts show it: two digits at least (01, 02, … 99, 100, …)."""
    return f"{device.register_no:02d}"


def pair_device(session: Session, *, pairing_code: str, device_name: str) -> tuple[Device, str, str]:
    """Trade a pairing code for a device token; the code is spent atomically, so it works once.

    The device gets the store's next register number; pairings of one store take turns (the store
    row is locked), and a unique index makes a shared number impossible even so.
    """
    now = utcnow()
    spent = session.execute(
        update(PairingCode)
        .where(
            PairingCode.code_hash == hash_token(pairing_code),
            PairingCode.used_at.is_(None),
            PairingCode.expires_at > now,
        )
        .values(used_at=now)
        .returning(PairingCode.store_id)
    ).first()
    if spent is None:
        raise PairingCodeRejected()
    store = session.scalars(select(Store).where(Store.id == spent[0]).with_for_update()).one()
    highest = session.scalar(select(func.max(Device.register_no)).where(Device.store_id == store.id))
    token = new_token("dev")
    device = Device(
        id=uuid7(), store_id=store.id, name=device_name, token_hash=hash_token(token),
        register_no=(highest or 0) + 1,
    )  # fmt: skip
    session.add(device)
    session.flush()
    return device, token, store.code


def list_devices(session: Session) -> list[tuple[Device, str]]:
    """Every paired device with its store code, newest first."""
    rows = session.execute(
        select(Device, Store.code).join(Store, Store.id == Device.store_id).order_by(Device.created_at.desc())
    )
    return [(device, code) for device, code in rows]


def revoke_device(session: Session, *, device_id: str) -> tuple[Device, str]:
    """Revoke a device's token (idempotent); it gets 401 from then on."""
    row = session.execute(
        select(Device, Store.code).join(Store, Store.id == Device.store_id).where(Device.id == device_id)
    ).first()
    if row is None:
        raise NotFound(f"no device {device_id}")
    device, code = row
    if device.revoked_at is None:
        device.revoked_at = utcnow()
        session.info[REVOKED_IN_SESSION] = True
        session.flush()
    return device, code


CONTACT_EVERY = timedelta(seconds=30)


def note_device_contact(
    session: Session,
    caller: Caller,
    *,
    client_version: str | None,
    pending_events: int | None,
    feed_position: int | None,
) -> bool:
    """Remember what a terminal said when it called: when, its software, its outbox, its feed position.

    Written at most every ``CONTACT_EVERY`` per device (at once when its software changed), so a busy
    terminal costs one small update now and then; HQ sees figures at most that old. Returns whether a write was queued (the caller commits).
    """
    device = session.info.pop(_AUTHENTICATED_DEVICE, None)
    if device is None or device.id != caller.credential_id:
        device = session.get(Device, caller.credential_id)
    if device is None:
        return False
    now = utcnow()
    version = client_version[:64] if client_version else device.client_version
    pending = pending_events if pending_events is not None else device.pending_events
    position = feed_position if feed_position is not None else device.feed_position
    # The outbox size and feed position move with every push and pull page: they are written with the
    # next periodic touch, so selling and a first download of many pages add no writes of their own.
    unchanged = version == device.client_version
    if unchanged and device.last_seen_at is not None and now - device.last_seen_at < CONTACT_EVERY:
        return False
    device.last_seen_at = now
    device.client_version = version
    device.pending_events = pending
    device.feed_position = position
    session.flush()
    return True
