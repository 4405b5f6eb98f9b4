"""Limits on guessing pairing codes, and revoking HQ tokens and channel keys (HTTP and CLI)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from limits import parse
from sqlalchemy import select

from sync.server.auth.cache import TTL_SECONDS
from sync.server.auth.models import AdminToken, Channel
from sync.server.auth.throttle import PairingThrottle
from sync.server.cli import main
from tests.hq.conftest import Browser
from tests.server.conftest import Api, product

PROBLEM = "application/problem+json"
WRONG = "00000000"


def _pair(client: TestClient, code: str, name: str = "レジ") -> Any:
    return client.post("/v1/devices/pair", json={"pairing_code": code, "device_name": name})


def _code(api: Api, store: str = "S001") -> str:
    answer = api.client.post(f"/v1/admin/stores/{store}/pairing-codes", headers=api.admin)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["code"])


def _from(api: Api, host: str) -> TestClient:
    """Another client on the same app, calling from ``host``."""
    return TestClient(api.client.app, client=(host, 40000))


def _assert_too_many(answer: Any, *, within: int = 600) -> None:
    assert answer.status_code == 429, answer.text
    assert answer.headers["content-type"] == PROBLEM
    body = answer.json()
    assert body["status"] == 429
    assert body["title"] == "Too Many Requests"
    assert body["type"].endswith("/too-many-attempts")
    assert "pairing" in body["detail"]
    assert 1 <= int(answer.headers["retry-after"]) <= within


# --- pairing-code guessing -------------------------------------------------------------------------------


def test_ten_wrong_codes_then_even_the_right_code_is_refused(api: Api) -> None:
    api.store()
    code = _code(api)
    for _ in range(10):
        wrong = _pair(api.client, WRONG)
        assert wrong.status_code == 422
        assert wrong.json()["type"].endswith("/pairing-code")
    _assert_too_many(_pair(api.client, code))
    _assert_too_many(_pair(api.client, WRONG))
    # The refused right code was not spent: once the block is lifted it still pairs.
    with api.session() as session:
        api.client.app.state.pairing_throttle.reset(session)  # type: ignore[attr-defined]
        session.commit()
    assert _pair(api.client, code).status_code == 201


def test_another_address_is_not_blocked(api: Api) -> None:
    api.store()
    attacker = _from(api, "203.0.113.7")
    for _ in range(10):
        assert _pair(attacker, WRONG).status_code == 422
    _assert_too_many(_pair(attacker, _code(api)))
    store = _from(api, "10.0.0.2")
    paired = _pair(store, _code(api))
    assert paired.status_code == 201, paired.text
    assert paired.json()["store_code"] == "S001"
    assert _pair(store, WRONG).status_code == 422  # a failure, but its own first one


def test_successful_pairings_do_not_count(api: Api) -> None:
    api.store()
    for number in range(12):
        assert _pair(api.client, _code(api), f"レジ{number}").status_code == 201
    for _ in range(9):
        assert _pair(api.client, WRONG).status_code == 422
    # Nine failures and twelve successes: one more failure is still allowed, and a good code still pairs.
    assert _pair(api.client, _code(api), "レジ最後").status_code == 201
    assert _pair(api.client, WRONG).status_code == 422
    _assert_too_many(_pair(api.client, _code(api)))


def test_a_used_or_expired_code_counts_as_a_failure(api: Api) -> None:
    api.store()
    code = _code(api)
    assert _pair(api.client, code).status_code == 201
    for _ in range(10):
        assert _pair(api.client, code).status_code == 422  # already used
    _assert_too_many(_pair(api.client, _code(api)))


def test_invalid_bodies_are_not_counted(api: Api) -> None:
    api.store()
    for _ in range(15):
        answer = api.client.post("/v1/devices/pair", json={"pairing_code": "", "device_name": "x"})
        assert answer.status_code == 422
        assert answer.json()["type"].endswith("/validation")
    assert _pair(api.client, _code(api)).status_code == 201


def test_the_overall_cap_blocks_every_address(api: Api) -> None:
    api.store()
    api.client.app.state.pairing_throttle = PairingThrottle(overall="5/10 minutes")  # type: ignore[attr-defined]
    for number in range(5):
        assert _pair(_from(api, f"198.51.100.{number}"), WRONG).status_code == 422
    fresh = _from(api, "192.0.2.1")  # never failed itself
    answer = _pair(fresh, _code(api))
    _assert_too_many(answer)
    assert "all addresses" in answer.json()["detail"]


def test_the_block_lifts_when_the_window_passes(api: Api) -> None:
    api.store()
    throttle = PairingThrottle(per_address="2/1 minute")
    clock = [time.time()]
    throttle.counter.clock = lambda: clock[0]  # the throttle's time moves; the pairing codes' does not
    api.client.app.state.pairing_throttle = throttle  # type: ignore[attr-defined]
    assert _pair(api.client, WRONG).status_code == 422
    assert _pair(api.client, WRONG).status_code == 422
    _assert_too_many(_pair(api.client, _code(api)), within=60)
    clock[0] += 59
    _assert_too_many(_pair(api.client, _code(api)), within=1)
    clock[0] += 1  # both failures have left the last minute
    assert _pair(api.client, _code(api)).status_code == 201


def test_workers_and_instances_share_one_allowance(api: Api) -> None:
    # Two apps on one database: two workers of a server, or two servers behind a proxy.
    from sync.server.app import create_app

    api.store()
    other = create_app(api.client.app.state.settings)  # type: ignore[attr-defined]
    try:
        with TestClient(other) as second:
            for client in (api.client, second) * 5:
                assert _pair(client, WRONG).status_code == 422
            _assert_too_many(_pair(second, _code(api)))
            _assert_too_many(_pair(api.client, _code(api)))
            # A name's sign-in allowance (5 failures) is shared the same way.
            browsers = [
                Browser(TestClient(app, base_url="https://testserver")) for app in (api.client.app, other)
            ]
            for attempt in range(5):
                assert browsers[attempt % 2].login("nobody", "wrong password!").status_code == 401
            assert browsers[1].login("nobody", "wrong password!").status_code == 429
    finally:
        other.state.engine.dispose()


def test_pair_documents_the_429(api: Api) -> None:
    operation = api.client.get("/openapi.json").json()["paths"]["/v1/devices/pair"]["post"]
    assert PROBLEM in operation["responses"]["429"]["content"]


# --- revoking channel keys ---------------------------------------------------------------------------------


def test_channels_are_listed_and_a_revoked_key_gets_401_at_once(api: Api) -> None:
    api.products(product("A1", 138, "reduced"))
    created = api.client.post("/v1/admin/channels", json={"name": "楽天"}, headers=api.admin)
    assert created.status_code == 201
    channel_id = created.json()["id"]
    key = {"Authorization": f"Bearer {created.json()['api_key']}"}
    other = api.channel  # a second channel, which must keep working
    assert api.client.get("/v1/channel/availability", params={"sku": "A1"}, headers=key).status_code == 200

    listed = api.client.get("/v1/admin/channels", headers=api.admin)
    assert listed.status_code == 200
    rows = {row["id"]: row for row in listed.json()}
    assert rows[channel_id]["name"] == "楽天" and rows[channel_id]["revoked_at"] is None
    assert all("api_key" not in row for row in listed.json())

    revoked = api.client.post(f"/v1/admin/channels/{channel_id}/revoke", headers=api.admin)
    assert revoked.status_code == 200
    assert revoked.json()["id"] == channel_id and revoked.json()["revoked_at"] is not None
    refused = api.client.get("/v1/channel/availability", params={"sku": "A1"}, headers=key)
    assert refused.status_code == 401
    assert refused.headers["content-type"] == PROBLEM
    assert api.client.get("/v1/channel/availability", params={"sku": "A1"}, headers=other).status_code == 200

    again = api.client.post(f"/v1/admin/channels/{channel_id}/revoke", headers=api.admin)
    assert again.status_code == 200 and again.json()["revoked_at"] == revoked.json()["revoked_at"]
    listed_after = {row["id"]: row for row in api.client.get("/v1/admin/channels", headers=api.admin).json()}
    assert listed_after[channel_id]["revoked_at"] is not None


def test_revoking_an_unknown_channel_is_404_and_only_hq_may_revoke(api: Api) -> None:
    missing = api.client.post("/v1/admin/channels/999999/revoke", headers=api.admin)
    assert missing.status_code == 404 and missing.headers["content-type"] == PROBLEM
    channel_id = api.client.post("/v1/admin/channels", json={"name": "x"}, headers=api.admin).json()["id"]
    assert api.client.post(f"/v1/admin/channels/{channel_id}/revoke", headers=api.channel).status_code == 403
    assert api.client.get("/v1/admin/channels", headers=api.device()).status_code == 403
    assert api.client.post(f"/v1/admin/channels/{channel_id}/revoke").status_code == 401
    with api.session() as session:
        assert session.get_one(Channel, channel_id).revoked_at is None


# --- revoking HQ tokens --------------------------------------------------------------------------------------


def _second_admin(api: Api) -> tuple[int, dict[str, str]]:
    from sync.server.auth import service

    with api.session() as session:
        row, token = service.issue_admin_token(session, label="second")
        session.commit()
        return row.id, {"Authorization": f"Bearer {token}"}


def _own_id(api: Api) -> int:
    from sync.server.security import hash_token

    with api.session() as session:
        return session.scalars(
            select(AdminToken.id).where(AdminToken.token_hash == hash_token(api.admin_token))
        ).one()


def test_a_revoked_admin_token_gets_401(api: Api) -> None:
    second_id, second = _second_admin(api)
    assert api.client.get("/v1/admin/devices", headers=second).status_code == 200
    revoked = api.client.post(f"/v1/admin/tokens/{second_id}/revoke", headers=api.admin)
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["id"] == second_id
    assert revoked.json()["label"] == "second"
    assert revoked.json()["revoked_at"] is not None
    refused = api.client.get("/v1/admin/devices", headers=second)
    assert refused.status_code == 401 and refused.headers["content-type"] == PROBLEM
    # Idempotent, and the caller's own token is untouched.
    again = api.client.post(f"/v1/admin/tokens/{second_id}/revoke", headers=api.admin)
    assert again.status_code == 200 and again.json()["revoked_at"] == revoked.json()["revoked_at"]
    assert api.client.get("/v1/admin/devices", headers=api.admin).status_code == 200
    assert api.client.post("/v1/admin/tokens/999999/revoke", headers=api.admin).status_code == 404


def test_an_admin_cannot_revoke_its_own_token(api: Api) -> None:
    own = _own_id(api)
    answer = api.client.post(f"/v1/admin/tokens/{own}/revoke", headers=api.admin)
    assert answer.status_code == 409
    assert answer.headers["content-type"] == PROBLEM
    assert answer.json()["type"].endswith("/own-token")
    assert api.client.get("/v1/admin/devices", headers=api.admin).status_code == 200
    with api.session() as session:
        assert session.get_one(AdminToken, own).revoked_at is None
    # Another HQ token may revoke it.
    _, second = _second_admin(api)
    assert api.client.post(f"/v1/admin/tokens/{own}/revoke", headers=second).status_code == 200
    assert api.client.get("/v1/admin/devices", headers=api.admin).status_code == 401


def test_devices_and_channels_cannot_revoke_admin_tokens(api: Api) -> None:
    own = _own_id(api)
    for headers in (api.device(), api.channel):
        assert api.client.post(f"/v1/admin/tokens/{own}/revoke", headers=headers).status_code == 403
    assert api.client.get("/v1/admin/devices", headers=api.admin).status_code == 200


# --- the CLI ----------------------------------------------------------------------------------------------


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSAPP_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("POSAPP_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.delenv("POSAPP_DATABASE_URL", raising=False)


def _url(api: Api) -> str:
    return str(api.client.app.state.settings.resolved_database_url)  # type: ignore[attr-defined]


def let_the_token_cache_expire(api: Api) -> None:
    """Move the app's token-cache clock past the TTL (``auth.cache``; docs/security.md, "Revocation")."""
    cache = api.client.app.state.token_cache  # type: ignore[attr-defined]
    later = cache.clock() + TTL_SECONDS
    cache.clock = lambda: later


@pytest.mark.usefixtures("cli_env")
def test_cli_admin_token_prints_its_id_and_revoke_admin_token_works(
    api: Api, capsys: pytest.CaptureFixture[str]
) -> None:
    url = _url(api)
    assert main(["admin-token", "--database", url, "--label", "laptop"]) == 0
    out, err = capsys.readouterr()
    token = out.strip()
    assert token.startswith("adm_") and "\n" not in token  # stdout is still only the token
    headers = {"Authorization": f"Bearer {token}"}
    with api.session() as session:
        from sync.server.security import hash_token

        row = session.scalars(select(AdminToken).where(AdminToken.token_hash == hash_token(token))).one()
        assert row.label == "laptop"
    assert f"admin token id {row.id}" in err
    assert api.client.get("/v1/admin/devices", headers=headers).status_code == 200

    assert main(["revoke-admin-token", "--database", url, str(row.id)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["admin_token_id"] == row.id and printed["revoked_at"]
    let_the_token_cache_expire(api)  # the CLI is another process: the server sees it within the TTL
    assert api.client.get("/v1/admin/devices", headers=headers).status_code == 401
    assert api.client.get("/v1/admin/devices", headers=api.admin).status_code == 200
    assert main(["revoke-admin-token", "--database", url, str(row.id)]) == 0  # idempotent
    assert json.loads(capsys.readouterr().out)["revoked_at"] == printed["revoked_at"]
    assert main(["revoke-admin-token", "--database", url, "999999"]) == 1
    assert "no admin token 999999" in capsys.readouterr().err


@pytest.mark.usefixtures("cli_env")
def test_cli_revoke_channel_works(api: Api, capsys: pytest.CaptureFixture[str]) -> None:
    url = _url(api)
    api.products(product("A1", 138, "reduced"))
    created = api.client.post("/v1/admin/channels", json={"name": "Amazon"}, headers=api.admin).json()
    key = {"Authorization": f"Bearer {created['api_key']}"}
    assert api.client.get("/v1/channel/availability", params={"sku": "A1"}, headers=key).status_code == 200
    assert main(["revoke-channel", "--database", url, str(created["id"])]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["channel_id"] == created["id"] and printed["name"] == "Amazon" and printed["revoked_at"]
    let_the_token_cache_expire(api)
    assert api.client.get("/v1/channel/availability", params={"sku": "A1"}, headers=key).status_code == 401
    assert main(["revoke-channel", "--database", url, "999999"]) == 1
    assert "no channel 999999" in capsys.readouterr().err


def test_failures_across_a_second_boundary_still_count_together(api: Api) -> None:
    # Two failures 0.3 s apart, whatever second they fall in, block a limit of 2 per second.
    from sync.server.throttles.counter import SharedCounter

    clock = [1_000_000.9]
    counter = SharedCounter(clock=lambda: clock[0])
    limit = parse("2/1 second")
    with api.session() as session:
        counter.hit(session, limit, "t")
        clock[0] += 0.3  # into the next whole second
        counter.hit(session, limit, "t")
        assert counter.retry_after(session, limit, "t") == 1
        clock[0] += 0.75  # the first failure has left the last second
        assert counter.retry_after(session, limit, "t") == 0
        session.commit()
