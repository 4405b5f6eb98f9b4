"""The per-worker token cache: a token is read from the database once per TTL, revocation still counts.

Revoked through this worker (admin API, HQ console): refused at once. Revoked anywhere else (another
worker, another server, the CLI): refused once the entry is ``TTL_SECONDS`` old, at the latest. The
clock is the cache's own, moved by hand: no sleeping.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

from sync.server.auth import service as auth_service
from sync.server.auth.cache import TTL_SECONDS, TokenCache
from sync.server.auth.models import Device
from sync.server.auth.service import Caller
from sync.server.db.session import make_session_factory
from tests.server.conftest import Api


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(api: Api) -> Clock:
    ticking = Clock()
    api.client.app.state.token_cache.clock = ticking  # type: ignore[attr-defined]
    return ticking


@contextmanager
def statements(api: Api) -> Iterator[list[str]]:
    """The SQL the app runs meanwhile."""
    seen: list[str] = []
    engine = api.client.app.state.engine  # type: ignore[attr-defined]

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:  # noqa: ARG001 - SQLAlchemy event signature
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def token_reads(sql: list[str]) -> int:
    return sum(1 for s in sql if "token_hash = " in s or "key_hash = " in s)


def revoke_elsewhere(api: Api) -> None:
    """Revoke the device as another process would (the CLI, another worker): not through this app."""
    other = make_session_factory(api.client.app.state.engine)  # type: ignore[attr-defined]
    with other() as session:
        device_id = session.scalars(select(Device.id)).one()
        auth_service.revoke_device(session, device_id=device_id)
        session.commit()


def test_a_token_is_read_once_per_ttl_then_answered_from_memory(api: Api, clock: Clock) -> None:
    device, admin = api.device(), api.admin
    with statements(api) as sql:
        for _ in range(5):
            assert api.client.get("/v1/sync/dead-letters", headers=device).status_code == 200
            assert api.client.get("/v1/admin/devices", headers=admin).status_code == 200
    assert token_reads(sql) == 1  # the device's first request (the setup used the admin token)
    clock.now += TTL_SECONDS
    with statements(api) as sql:
        for _ in range(3):
            assert api.client.get("/v1/sync/dead-letters", headers=device).status_code == 200
    assert token_reads(sql) == 1


def test_a_device_revoked_elsewhere_is_refused_within_the_ttl(api: Api, clock: Clock) -> None:
    headers = api.device()
    assert api.client.get("/v1/sync/dead-letters", headers=headers).status_code == 200
    revoke_elsewhere(api)
    clock.now += TTL_SECONDS - 0.5
    assert api.client.get("/v1/sync/dead-letters", headers=headers).status_code == 200  # the stated bound
    clock.now += 0.5
    refused = api.client.get("/v1/sync/dead-letters", headers=headers)
    assert refused.status_code == 401 and refused.json()["title"] == "Unauthorized"
    clock.now += 3600
    assert api.client.get("/v1/sync/dead-letters", headers=headers).status_code == 401  # never cached


@pytest.mark.usefixtures("clock")
def test_revocations_through_this_worker_count_at_once(api: Api) -> None:
    device, channel = api.device(), api.channel
    other_admin = auth_service.issue_admin_token
    with api.session() as session:
        row, token = other_admin(session, label="second")
        session.commit()
    second = {"Authorization": f"Bearer {token}"}
    for headers in (device, channel, second):
        assert api.client.get("/v1/sync/dead-letters", headers=headers).status_code in (200, 403)
    device_id = api.client.get("/v1/admin/devices", headers=api.admin).json()[0]["device_id"]
    assert api.client.post(f"/v1/admin/devices/{device_id}/revoke", headers=api.admin).status_code == 200
    assert api.client.get("/v1/sync/dead-letters", headers=device).status_code == 401
    channel_id = api.client.get("/v1/admin/channels", headers=api.admin).json()[0]["id"]
    assert api.client.post(f"/v1/admin/channels/{channel_id}/revoke", headers=api.admin).status_code == 200
    assert api.client.get("/v1/channel/availability", params={"sku": "x"}, headers=channel).status_code == 401
    assert api.client.post(f"/v1/admin/tokens/{row.id}/revoke", headers=api.admin).status_code == 200
    assert api.client.get("/v1/admin/devices", headers=second).status_code == 401
    assert api.client.get("/v1/admin/devices", headers=api.admin).status_code == 200


def test_missing_unknown_and_wrong_kind_answer_401_and_403_from_memory_too(api: Api) -> None:
    device = api.device()
    for _ in range(2):  # the second time from the cache
        assert api.client.get("/v1/admin/devices", headers=device).status_code == 403
        assert (
            api.client.get("/v1/channel/availability", params={"sku": "x"}, headers=device).status_code == 403
        )
        assert api.client.get("/v1/sync/dead-letters", headers=api.channel).status_code == 403
        assert api.client.get("/v1/sync/pull", headers=api.admin).status_code == 403
    for headers in ({}, {"Authorization": "Basic abc"}, {"Authorization": "Bearer dev_unknown"}):
        answer = api.client.get("/v1/sync/pull", headers=headers)
        assert answer.status_code == 401 and answer.headers["content-type"] == "application/problem+json"
    forbidden = api.client.get("/v1/admin/devices", headers=device).json()
    assert forbidden["status"] == 403 and forbidden["detail"] == "this needs a admin token"


@pytest.mark.usefixtures("clock")
def test_a_terminals_contact_and_new_software_are_noted_for_hq(api: Api) -> None:
    headers = {**api.device(), "User-Agent": "OmniPOS/1.0"}
    assert api.client.get("/v1/sync/dead-letters", headers=headers).status_code == 200
    updated = {**headers, "User-Agent": "OmniPOS/1.1"}
    assert api.client.get("/v1/sync/dead-letters", headers=updated).status_code == 200  # within the TTL
    with api.session() as session:
        device = session.scalars(select(Device)).one()
        assert device.client_version == "OmniPOS/1.1" and device.last_seen_at is not None


def test_the_cache_is_bounded_and_a_read_racing_a_revocation_is_not_kept() -> None:
    cache = TokenCache(ttl=10, max_entries=3, clock=lambda: 0.0)
    for n in range(5):
        cache.put(f"h{n}", Caller("admin", str(n)), client_version=None, generation=cache.generation)
    assert len(cache) == 3 and cache.get("h0") is None and cache.get("h4") is not None
    started = cache.generation
    cache.clear()  # a revocation commits while a look-up is on its way
    cache.put("h9", Caller("device", "d"), client_version=None, generation=started)
    assert len(cache) == 0
