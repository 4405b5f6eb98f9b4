"""HQ users: argon2 password hashes (argon2-cffi), roles, and the stores a store manager runs."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from sync.server.db.base import utcnow
from sync.server.hq.models import ROLES, HqUser, HqUserStore
from sync.server.problems import Conflict, Invalid, NotFound
from sync.server.stores.models import Store

_HASHER = PasswordHasher()  # argon2id with the library's current RFC 9106 low-memory profile
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,31}$")
MIN_PASSWORD = 10
# Verifying against this keeps the time of "no such user" equal to a wrong password's.
_DUMMY_HASH = _HASHER.hash("not a password of anybody")


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is using the console: their role and, for a store manager, the store ids they may see."""

    user_id: int
    username: str
    display_name: str
    role: str
    store_ids: frozenset[int]

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def can_change(self) -> bool:
        """Admins and store managers change things; auditors only read."""
        return self.role in ("admin", "manager")

    def sees_store(self, store_id: int) -> bool:
        """A store manager sees their own stores only; admins and auditors see every store."""
        return self.role != "manager" or store_id in self.store_ids


def hash_password(password: str) -> str:
    """The argon2id hash (with its parameters and salt) of ``password``."""
    return _HASHER.hash(password)


def check_password_rules(password: str) -> None:
    """Refuse a password too short to resist guessing (422)."""
    if len(password) < MIN_PASSWORD:
        raise Invalid(f"a password has at least {MIN_PASSWORD} characters", slug="weak-password")


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: str,
    display_name: str = "",
    store_codes: Iterable[str] = (),
    language: str = "ja",
) -> HqUser:
    """A new user; a store manager must be given at least one store. The caller commits."""
    username = username.strip().lower()
    if not _USERNAME.match(username):
        raise Invalid("a user name is 2–32 lower-case letters, digits, '.', '_' or '-'", slug="bad-username")
    if role not in ROLES:
        raise Invalid(f"the role is one of {', '.join(ROLES)}", slug="bad-role")
    check_password_rules(password)
    if session.scalar(select(HqUser.id).where(HqUser.username == username)) is not None:
        raise Conflict(f"the user name {username} is taken")
    user = HqUser(
        username=username,
        display_name=display_name.strip() or username,
        password_hash=hash_password(password),
        role=role,
        language=language if language in ("ja", "en") else "ja",
    )
    session.add(user)
    session.flush()
    set_stores(session, user, store_codes)
    return user


def set_stores(session: Session, user: HqUser, store_codes: Iterable[str]) -> list[str]:
    """Replace the stores of a store manager (other roles keep none); returns the codes kept."""
    codes = sorted({code.strip() for code in store_codes if code.strip()})
    if user.role != "manager":
        codes = []
    elif not codes:
        raise Invalid("a store manager needs at least one store", slug="no-stores")
    found = dict(session.execute(select(Store.code, Store.id).where(Store.code.in_(codes))).all())
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise Invalid(f"unknown stores: {', '.join(unknown)}", slug="unknown-store")
    session.execute(delete(HqUserStore).where(HqUserStore.user_id == user.id))
    session.add_all(HqUserStore(user_id=user.id, store_id=found[code]) for code in codes)
    session.flush()
    return codes


def authenticate(session: Session, *, username: str, password: str) -> HqUser | None:
    """The active user with this name and password, or ``None`` (in the same time either way)."""
    user = session.scalar(select(HqUser).where(HqUser.username == username.strip().lower()))
    stored = user.password_hash if user is not None else _DUMMY_HASH
    try:
        _HASHER.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if user is None or user.disabled_at is not None:
        return None
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    session.flush()
    return user


def get_user(session: Session, user_id: int) -> HqUser:
    """The user with ``user_id``, or 404."""
    user = session.get(HqUser, user_id)
    if user is None:
        raise NotFound(f"no user {user_id}")
    return user


def viewer_of(session: Session, user: HqUser) -> Viewer:
    """The viewer a signed-in user is."""
    store_ids = frozenset(session.scalars(select(HqUserStore.store_id).where(HqUserStore.user_id == user.id)))
    return Viewer(user.id, user.username, user.display_name, user.role, store_ids)


def list_users(session: Session) -> list[tuple[HqUser, list[str]]]:
    """Every user with the codes of their stores, by name."""
    stores: dict[int, list[str]] = {}
    for user_id, code in session.execute(
        select(HqUserStore.user_id, Store.code)
        .join(Store, Store.id == HqUserStore.store_id)
        .order_by(Store.code)
    ):
        stores.setdefault(user_id, []).append(code)
    users = session.scalars(select(HqUser).order_by(HqUser.username))
    return [(user, stores.get(user.id, [])) for user in users]


def set_password(session: Session, user: HqUser, password: str) -> None:
    """Replace a user's password (every session of theirs is closed by the caller)."""
    check_password_rules(password)
    user.password_hash = hash_password(password)
    session.flush()


def set_disabled(session: Session, user: HqUser, *, disabled: bool) -> None:
    """Disable (or enable again) a user; a disabled user cannot sign in."""
    user.disabled_at = utcnow() if disabled else None
    session.flush()
