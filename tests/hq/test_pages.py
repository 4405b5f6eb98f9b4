"""The console's pages do what the API does: stores, clerks, pairing, devices, catalog, members, operations."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from posapp.domain.pins import verify_pin
from sync.server.auth.models import Device
from sync.server.changes.models import ChangeLog
from sync.server.hq.models import HqAuditEntry
from sync.server.points import service as points_service
from sync.server.products import schedule
from sync.server.products.models import Product
from sync.server.stores.models import Clerk, Store
from sync.server.syncfeed.models import DeadLetter
from tests.hq.conftest import Browser
from tests.server.conftest import Api, product


def test_a_store_is_created_with_a_validated_registration_number(api: Api, admin: Browser) -> None:
    body = {"code": "S010", "name": "横浜店", "registration_number": "T123", "timezone": "Asia/Tokyo",
            "address": "横浜市西区1-1", "receipt_footer": "またお越しください"}  # fmt: skip
    refused = admin.post("/hq/stores", body)
    assert refused.status_code == 422 and "T と13桁" in refused.text
    saved = admin.post("/hq/stores", {**body, "registration_number": "Ｔ７０００－０１２０５０００２"})
    assert saved.status_code == 303 and saved.headers["location"].startswith("/hq/stores/S010")
    with api.session() as session:
        store = session.scalars(select(Store).where(Store.code == "S010")).one()
        assert (store.registration_number, store.address) == ("T7000012050002", "横浜市西区1-1")
        feed = session.scalars(
            select(ChangeLog).where(ChangeLog.entity == "store", ChangeLog.key == "S010")
        ).all()
        assert feed[-1].payload["receipt_footer"] == "またお越しください"


def test_a_clerk_pin_set_in_the_form_is_stored_hashed(api: Api, admin: Browser) -> None:
    api.store("S001")
    answer = admin.post(
        "/hq/stores/S001/clerks", {"code": "1002", "name": "佐藤", "pin": "4321", "role": "manager"}
    )
    assert answer.status_code == 303
    with api.session() as session:
        clerk = session.scalars(select(Clerk).where(Clerk.code == "1002")).one()
    assert (
        clerk.pin_hash.startswith("scrypt$")
        and verify_pin("4321", clerk.pin_hash)
        and clerk.role == "manager"
    )
    assert "4321" not in admin.client.get("/hq/stores/S001").text
    bad = admin.post("/hq/stores/S001/clerks", {"code": "1003", "name": "x", "pin": "12", "role": "cashier"})
    assert bad.status_code == 422


def test_the_pairing_code_page_shows_a_working_code_with_a_qr_code_and_its_expiry(
    api: Api, admin: Browser
) -> None:
    api.store("S001")
    page = admin.post("/hq/stores/S001/pairing-codes")
    assert page.status_code == 200 and "<svg" in page.text and 'data-expires="' in page.text
    shown = re.search(r'id="pairing-code">(\d{4}) (\d{4})<', page.text)
    assert shown, page.text
    paired = api.client.post(
        "/v1/devices/pair", json={"pairing_code": "".join(shown.groups()), "device_name": "レジ1"}
    )
    assert paired.status_code == 201
    store_page = admin.client.get("/hq/stores/S001").text
    assert "レジ1" in store_page and paired.json()["device_id"] in store_page
    assert f'<td class="num mono">{paired.json()["terminal_code"]}</td>' in store_page  # its register number


def test_revoking_a_device_from_its_store_page_locks_it_out(api: Api, admin: Browser) -> None:
    headers = api.device("S001")
    assert api.client.get("/v1/sync/pull", headers=headers).status_code == 200
    with api.session() as session:
        device = session.scalars(select(Device)).one()
        assert device.last_seen_at is not None and device.client_version is not None
    assert admin.post(f"/hq/devices/{device.id}/revoke").status_code == 303
    assert api.client.get("/v1/sync/pull", headers=headers).status_code == 401


def test_catalog_search_finds_by_kana_in_hiragana_and_by_jan_prefix(api: Api, admin: Browser) -> None:
    api.products(product("ONIGIRI", 138, "reduced", jan="4901234567894", name="おにぎり鮭", name_kana="オニギリサケ"),
                 product("BATTERY", 657, jan="4901234567832", name="乾電池", name_kana="カンデンチ"))  # fmt: skip
    by_kana = admin.client.get("/hq/catalog", params={"q": "おにぎりさけ"}).text
    assert "ONIGIRI" in by_kana and "BATTERY" not in by_kana
    by_jan = admin.client.get("/hq/catalog", params={"q": "49012345678"}).text
    assert "ONIGIRI" in by_jan and "BATTERY" in by_jan


CSV = "sku,jan,name,name_kana,price,tax_class,category\r\nA1,,お茶,オチャ,150,reduced,飲料\r\nB2,,電池,デンチ,400,standard,雑貨\r\n"


def test_csv_import_previews_what_changes_then_applies_it_all(api: Api, admin: Browser) -> None:
    api.products(product("A1", 140, "reduced", name="お茶"))
    preview = admin.client.post("/hq/catalog/import", data={"csrf_token": admin.csrf()},
                                files={"file": ("p.csv", CSV.encode("cp932"), "text/csv")})  # fmt: skip
    assert preview.status_code == 200
    assert (
        "新規 1、変更 1" in preview.text and "¥140" not in preview.text and "140 → <b>150</b>" in preview.text
    )
    with api.session() as session:
        assert session.scalar(select(Product.price).where(Product.sku == "A1")) == 140  # nothing saved yet
    upload = re.search(r'name="upload" value="([^"]+)"', preview.text)
    assert upload
    done = admin.post("/hq/catalog/import/confirm", {"upload": upload.group(1)})
    assert done.status_code == 303
    with api.session() as session:
        assert dict(session.execute(select(Product.sku, Product.price)).all()) == {"A1": 150, "B2": 400}


def test_csv_import_with_one_bad_row_imports_nothing(api: Api, admin: Browser) -> None:
    bad = CSV + "C3,,壊れ,コワレ,-5,standard,x\r\n"
    answer = admin.client.post("/hq/catalog/import", data={"csrf_token": admin.csrf()},
                               files={"file": ("p.csv", bad.encode(), "text/csv")})  # fmt: skip
    assert answer.status_code == 422 and "3 行目" in answer.text
    assert 'name="upload"' not in answer.text
    with api.session() as session:
        assert session.scalar(select(Product.id)) is None


def test_a_price_scheduled_for_a_day_applies_when_that_day_comes(api: Api, admin: Browser) -> None:
    api.products(product("A1", 140, "reduced"))
    tomorrow = schedule.chain_today() + timedelta(days=1)
    assert (
        admin.post(
            "/hq/catalog/A1/price-changes", {"price": "120", "effective_on": tomorrow.isoformat()}
        ).status_code
        == 303
    )
    assert (
        admin.post(
            "/hq/catalog/A1/price-changes",
            {"price": "99", "effective_on": schedule.chain_today().isoformat()},
        ).status_code
        == 422
    )
    with api.session() as session:
        assert schedule.apply_due(session) == 0
        assert schedule.apply_due(session, today=tomorrow) == 1
        session.commit()
        assert schedule.apply_due(session, today=tomorrow) == 0
        assert session.scalar(select(Product.price).where(Product.sku == "A1")) == 120
        feed = session.scalars(
            select(ChangeLog).where(ChangeLog.key == "A1").order_by(ChangeLog.id.desc())
        ).first()
        assert feed is not None and feed.payload["price"] == 120


def test_member_360_points_adjustment_with_reason_counts_once(api: Api, admin: Browser) -> None:
    customer = api.customer()
    page = admin.client.get(f"/hq/members/{customer['id']}")
    assert page.status_code == 200 and customer["member_no"] in page.text
    key = re.search(r'name="key" value="([^"]+)"', page.text)
    assert key
    body = {"points": "300", "reason": "お詫び", "key": key.group(1)}
    assert admin.post(f"/hq/members/{customer['id']}/points", body).status_code == 303
    assert admin.post(f"/hq/members/{customer['id']}/points", body).status_code == 303  # a double submit
    with api.session() as session:
        assert points_service.balance(session, customer_id=customer["id"]) == 300
    history = admin.client.get(f"/hq/members/{customer['id']}").text
    assert "お詫び (hanako)" in history


def test_member_export_and_erase_are_the_api_flows_and_logged(api: Api, admin: Browser) -> None:
    customer = api.customer(phone="09011112222")
    exported = admin.post(f"/hq/members/{customer['id']}/export")
    assert exported.status_code == 200 and exported.json()["customer"]["phone"] == "09011112222"
    assert (
        admin.post(f"/hq/members/{customer['id']}/erase", {"confirm": "no"})
        .headers["location"]
        .endswith("erase_not_confirmed")
    )
    assert admin.post(f"/hq/members/{customer['id']}/erase", {"confirm": "ERASE"}).status_code == 303
    log = api.client.get(f"/v1/admin/customers/{customer['id']}/access-log", headers=api.admin).json()
    assert {"export", "erase"} <= {row["action"] for row in log}
    assert {row["caller_kind"] for row in log if row["action"] == "erase"} == {"hq_user"}


def test_dead_letters_are_listed_and_resolved_once(api: Api, admin: Browser) -> None:
    api.store("S001")
    with api.session() as session:
        store_id = session.scalar(select(Store.id).where(Store.code == "S001"))
        session.add(DeadLetter(event_id="e1", store_id=store_id, device_id="d1", reason="rejected",
                               detail="unknown member 99", envelope={"kind": "sale.completed"}))  # fmt: skip
        session.commit()
        letter_id = session.scalar(select(DeadLetter.id))
    assert api.client.get("/healthz").json()["dead_letters"] == 1
    page = admin.client.get("/hq/operations").text
    assert "unknown member 99" in page
    assert (
        admin.post(
            f"/hq/operations/dead_letter/{letter_id}/resolve", {"note": "会員を登録し直した"}
        ).status_code
        == 303
    )
    assert api.client.get("/healthz").json()["dead_letters"] == 0
    again = api.client.post(
        f"/v1/admin/operations/dead-letters/{letter_id}/resolve", json={}, headers=api.admin
    )
    assert again.status_code == 409
    with api.session() as session:
        assert session.scalar(
            select(HqAuditEntry.target).where(HqAuditEntry.action == "dead_letter.resolve")
        ) == str(letter_id)
