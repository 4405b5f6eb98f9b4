"""Stores, pairing, devices, channels, clerks and the rules of the three kinds of token."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from sync.server.auth.models import PairingCode
from sync.server.db.base import utcnow
from sync.server.security import verify_pin
from sync.server.stores.models import Clerk
from tests.server.conftest import Api

STORE = {"code": "S001", "name": "渋谷店", "registration_number": "T7000012050002", "timezone": "Asia/Tokyo"}


def test_healthz_and_openapi(api: Api) -> None:
    assert api.client.get("/healthz").json()["status"] == "ok"
    assert "/v1/channel/orders" in api.client.get("/openapi.json").json()["paths"]


def test_store_is_created_and_updated_by_code(api: Api) -> None:
    first = api.client.post("/v1/admin/stores", json=STORE, headers=api.admin)
    assert first.status_code == 201
    assert first.json()["warnings"] == []
    again = api.client.post("/v1/admin/stores", json={**STORE, "name": "渋谷本店"}, headers=api.admin)
    assert again.json()["name"] == "渋谷本店"


def test_store_refuses_bad_registration_number_and_timezone(api: Api) -> None:
    bad_number = api.client.post(
        "/v1/admin/stores", json={**STORE, "registration_number": "X123"}, headers=api.admin
    )
    assert bad_number.status_code == 422
    assert bad_number.headers["content-type"] == "application/problem+json"
    assert bad_number.json()["status"] == 422
    bad_zone = api.client.post("/v1/admin/stores", json={**STORE, "timezone": "Mars/Base"}, headers=api.admin)
    assert bad_zone.status_code == 422
    assert bad_zone.json()["errors"][0]["loc"] == ["body", "timezone"]


def test_store_warns_on_a_failed_check_digit(api: Api) -> None:
    answer = api.client.post(
        "/v1/admin/stores", json={**STORE, "registration_number": "T8000012050002"}, headers=api.admin
    )
    assert answer.status_code == 201
    assert answer.json()["warnings"]


def test_missing_or_unknown_token_is_401(api: Api) -> None:
    assert api.client.post("/v1/admin/stores", json=STORE).status_code == 401
    wrong = api.client.post("/v1/admin/stores", json=STORE, headers={"Authorization": "Bearer adm_nope"})
    assert wrong.status_code == 401
    assert wrong.json()["title"] == "Unauthorized"


def test_admin_endpoints_refuse_device_and_channel_tokens(api: Api) -> None:
    for headers in (api.device("S001"), api.channel):
        assert api.client.post("/v1/admin/stores", json=STORE, headers=headers).status_code == 403
        assert api.client.get("/v1/admin/devices", headers=headers).status_code == 403
        assert api.client.post("/v1/admin/channels", json={"name": "x"}, headers=headers).status_code == 403


def test_channel_cannot_use_device_endpoints_and_device_cannot_use_channel_ones(api: Api) -> None:
    assert api.client.get("/v1/customers", params={"q": "x"}, headers=api.channel).status_code == 403
    assert (
        api.client.get("/v1/channel/availability", params={"sku": "x"}, headers=api.device()).status_code
        == 403
    )


def test_pairing_code_works_once(api: Api) -> None:
    api.store()
    code = api.client.post("/v1/admin/stores/S001/pairing-codes", headers=api.admin).json()
    assert len(code["code"]) == 8
    paired = api.client.post("/v1/devices/pair", json={"pairing_code": code["code"], "device_name": "レジ1"})
    assert paired.status_code == 201
    assert paired.json()["store_code"] == "S001"
    again = api.client.post("/v1/devices/pair", json={"pairing_code": code["code"], "device_name": "レジ2"})
    assert again.status_code == 422


def test_expired_pairing_code_is_refused(api: Api) -> None:
    api.store()
    code = api.client.post("/v1/admin/stores/S001/pairing-codes", headers=api.admin).json()["code"]
    with api.session() as session:
        session.execute(update(PairingCode).values(expires_at=utcnow() - timedelta(seconds=1)))
        session.commit()
    assert (
        api.client.post("/v1/devices/pair", json={"pairing_code": code, "device_name": "x"}).status_code
        == 422
    )


def test_pairing_code_for_unknown_store_is_404(api: Api) -> None:
    assert api.client.post("/v1/admin/stores/NOPE/pairing-codes", headers=api.admin).status_code == 404


def test_devices_are_listed_and_a_revoked_device_gets_401(api: Api) -> None:
    headers = api.device("S001")
    assert api.client.get("/v1/customers", params={"q": "山田"}, headers=headers).status_code == 200
    devices = api.client.get("/v1/admin/devices", headers=api.admin).json()
    assert [device["store_code"] for device in devices] == ["S001"]
    revoked = api.client.post(f"/v1/admin/devices/{devices[0]['device_id']}/revoke", headers=api.admin)
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    assert api.client.get("/v1/customers", params={"q": "山田"}, headers=headers).status_code == 401
    assert api.client.post("/v1/admin/devices/nope/revoke", headers=api.admin).status_code == 404


def test_clerks_are_stored_with_a_pin_hash_only(api: Api) -> None:
    api.store()
    body = {"store": "S001", "code": "1001", "name": "佐藤", "pin": "1234", "role": "cashier"}
    answer = api.client.post("/v1/admin/clerks", json=body, headers=api.admin)
    assert answer.status_code == 201
    assert "pin" not in answer.json()
    with api.session() as session:
        clerk = session.scalars(select(Clerk)).one()
        assert clerk.pin_hash.startswith("scrypt$")
        assert "1234" not in clerk.pin_hash
        assert verify_pin("1234", clerk.pin_hash)
    assert (
        api.client.post("/v1/admin/clerks", json={**body, "pin": "12"}, headers=api.admin).status_code == 422
    )
    assert (
        api.client.post("/v1/admin/clerks", json={**body, "store": "S999"}, headers=api.admin).status_code
        == 404
    )
    assert (
        api.client.post("/v1/admin/clerks", json={**body, "role": "owner"}, headers=api.admin).status_code
        == 422
    )
