"""Signing in and who may do what: argon2 passwords, cookies, CSRF, throttling, roles, the audit log."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from sync.server.hq.models import HqAuditEntry, HqUser
from sync.server.stores.models import Store
from tests.hq.conftest import PASSWORD, Browser, add_user
from tests.server.conftest import Api


def test_password_is_stored_as_argon2_and_the_session_cookie_is_locked_down(
    api: Api, browser: Browser
) -> None:
    add_user(api, "hanako")
    with api.session() as session:
        stored = session.scalar(select(HqUser.password_hash).where(HqUser.username == "hanako"))
    assert stored is not None and stored.startswith("$argon2id$") and PASSWORD not in stored
    answer = browser.login("hanako")
    assert answer.status_code == 303 and answer.headers["location"] == "/hq/"
    cookie = next(
        value
        for name, value in answer.headers.multi_items()
        if name == "set-cookie" and "hq_session=" in value
    )
    lowered = cookie.lower()
    assert (
        "httponly" in lowered and "samesite=lax" in lowered and "secure" in lowered and "path=/hq" in lowered
    )
    assert browser.client.get("/hq/").status_code == 200
    browser.post("/hq/logout")
    assert browser.client.get("/hq/", follow_redirects=False).status_code == 303


def test_signed_out_visitors_are_sent_to_sign_in(browser: Browser) -> None:
    answer = browser.client.get("/hq/stores", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/hq/login?next=/hq/stores"


def test_plain_http_from_another_machine_is_refused_a_session(api: Api) -> None:
    from fastapi.testclient import TestClient

    add_user(api, "hanako")
    plain = Browser(
        TestClient(api.client.app, base_url="http://testserver")
    )  # client "testclient": not loopback
    answer = plain.login("hanako")
    assert answer.status_code == 403 and "HTTPS" in answer.text
    assert "hq_session" not in answer.headers.get("set-cookie", "")


def test_five_wrong_passwords_then_even_the_right_one_waits(api: Api, browser: Browser) -> None:
    add_user(api, "hanako")
    for _ in range(5):
        assert browser.login("hanako", "wrong password!").status_code == 401
    answer = browser.login("hanako")
    assert answer.status_code == 429 and int(answer.headers["retry-after"]) > 0
    assert "しばらくお待ちください" in answer.text
    with api.session() as session:
        actions = list(session.scalars(select(HqAuditEntry.action).order_by(HqAuditEntry.id)))
    assert actions == ["login.failed"] * 5 + ["login.throttled"]


def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(api: Api, admin: Browser) -> None:
    body = {
        "code": "S009",
        "name": "横浜店",
        "registration_number": "T7000012050002",
        "timezone": "Asia/Tokyo",
    }
    refused = admin.post("/hq/stores", body, token=False)
    assert refused.status_code == 403
    wrong = admin.post("/hq/stores", {**body, "csrf_token": "forged"}, token=False)
    assert wrong.status_code == 403
    with api.session() as session:
        assert session.scalar(select(Store.id).where(Store.code == "S009")) is None
    assert admin.post("/hq/stores", body).status_code == 303


def test_a_store_manager_sees_only_their_stores(api: Api, browser: Browser) -> None:
    api.store("S001")
    api.store("S002", "新宿店")
    add_user(api, "tencho", role="manager", stores=("S001",))
    browser.login("tencho")
    assert browser.client.get("/hq/stores/S001").status_code == 200
    other = browser.client.get("/hq/stores/S002")
    assert other.status_code == 403 and "権限がありません" in other.text
    listing = browser.client.get("/hq/stores").text
    assert "S001" in listing and "S002" not in listing
    assert browser.client.get("/hq/reports", params={"store": "S002"}).status_code == 403
    assert browser.post("/hq/stores/S002/pairing-codes").status_code == 403
    assert browser.client.get("/hq/users").status_code == 403


def test_an_auditor_reads_but_changes_nothing(api: Api, browser: Browser) -> None:
    api.store("S001")
    add_user(api, "kansa", role="auditor")
    browser.login("kansa")
    assert browser.client.get("/hq/stores/S001").status_code == 200
    assert browser.client.get("/hq/audit").status_code == 200
    assert browser.post("/hq/stores/S001/pairing-codes").status_code == 403
    assert (
        browser.post(
            "/hq/stores/S001/clerks", {"code": "1", "name": "x", "pin": "1234", "role": "cashier"}
        ).status_code
        == 403
    )


def test_every_change_is_audited_with_who_and_what(api: Api, admin: Browser) -> None:
    api.store("S001")
    admin.post("/hq/stores/S001/clerks", {"code": "1002", "name": "佐藤", "pin": "4321", "role": "cashier"})
    with api.session() as session:
        entry = session.scalars(select(HqAuditEntry).where(HqAuditEntry.action == "clerk.create")).one()
        assert (entry.username, entry.target) == ("hanako", "S001:1002")
        assert "4321" not in str(entry.detail)
        assert (
            session.scalar(
                select(func.count()).select_from(HqAuditEntry).where(HqAuditEntry.action == "login")
            )
            == 1
        )


@pytest.mark.usefixtures("api")
def test_the_console_speaks_english_when_asked(admin: Browser) -> None:
    assert "店舗・レジ" in admin.client.get("/hq/").text
    admin.client.get("/hq/lang/en?next=/hq/")
    page = admin.client.get("/hq/").text
    assert "Stores &amp; registers" in page and 'lang="en"' in page


def test_create_user_command_makes_the_first_admin(tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    from sync.server.cli import main

    monkeypatch.setenv("POSAPP_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("POSAPP_HQ_PASSWORD", PASSWORD)
    assert main(["create-user", "boss", "--password-from-env", "--name", "社長"]) == 0
    assert '"role": "admin"' in capsys.readouterr().out
    monkeypatch.setenv("POSAPP_HQ_PASSWORD", "short")
    assert main(["create-user", "second", "--password-from-env"]) == 1
