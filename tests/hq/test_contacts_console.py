"""The console's contacts page through HTTP as a browser sends it, on both databases: the list of every
channel's contacts, a status change with a note (who and when kept, audited), and who may do what."""

from __future__ import annotations

from sqlalchemy import select

from sync.server.contacts.models import Contact
from sync.server.customers.access import CustomerAccess
from tests.hq.conftest import Browser, add_user
from tests.server.conftest import Api, product


def _web_complaint(api: Api, member_no: str) -> int:
    key = api.client.post(
        "/v1/admin/channels", json={"name": "ウェブショップ", "kind": "web"}, headers=api.admin
    )
    headers = {"Authorization": f"Bearer {key.json()['api_key']}"}
    body = {"contact_id": "WEB-9", "member_no": member_no, "kind": "complaint", "subject": "箱がつぶれていた"}
    answer = api.client.post("/v1/channel/contacts", json=body, headers=headers)
    assert answer.status_code == 200, answer.text
    return int(answer.json()["id"])


def test_hq_lists_open_contacts_and_resolves_one_with_a_note(api: Api, admin: Browser) -> None:
    member = api.customer("S001")
    contact_id = _web_complaint(api, member["member_no"])
    page = admin.client.get("/hq/contacts")
    assert page.status_code == 200 and "箱がつぶれていた" in page.text and "ウェブショップ" in page.text
    assert "クレーム" in page.text and "未対応" in page.text
    done = admin.post(f"/hq/contacts/{contact_id}/status", {"status": "resolved", "note": "返金済み"})
    assert done.status_code == 303
    with api.session() as session:
        contact = session.get_one(Contact, contact_id)
        assert (contact.status, contact.status_by) == ("resolved", "hanako") and contact.status_at is not None
        logged = session.scalars(
            select(CustomerAccess.action).where(CustomerAccess.caller_kind == "hq_user")
        ).all()
    assert "contacts" in logged, "the list's read is in the access log"
    assert "箱がつぶれていた" not in admin.client.get("/hq/contacts").text, "open ones are listed by default"
    resolved = admin.client.get("/hq/contacts?status=resolved").text
    assert "箱がつぶれていた" in resolved and "返金済み" in resolved and "hanako" in resolved
    timeline = admin.client.get(f"/hq/members/{member['id']}").text
    assert "クレーム · 解決済み" in timeline


def test_an_auditor_reads_but_cannot_change_and_a_manager_sees_only_their_members(
    api: Api, browser: Browser
) -> None:
    member = api.customer("S001")
    contact_id = _web_complaint(api, member["member_no"])
    add_user(api, "kansa", role="auditor")
    assert browser.login("kansa").status_code == 303
    assert "箱がつぶれていた" in browser.client.get("/hq/contacts").text
    refused = browser.post(f"/hq/contacts/{contact_id}/status", {"status": "resolved"})
    assert refused.status_code == 403
    api.store("S002", "新宿店")
    add_user(api, "tencho", role="manager", stores=("S002",))
    browser.client.cookies.clear()
    assert browser.login("tencho").status_code == 303
    assert "箱がつぶれていた" not in browser.client.get("/hq/contacts").text
    with api.session() as session:
        assert session.get_one(Contact, contact_id).status == "open"


def test_the_report_page_splits_online_orders_by_the_channel_that_took_them(api: Api, admin: Browser) -> None:
    api.products(product("A1", 1100))
    member = api.customer("S001")
    key = api.client.post(
        "/v1/admin/channels", json={"name": "コールセンター", "kind": "call_centre"}, headers=api.admin
    )
    body = {
        "order_id": "TEL-1", "customer": {"member_no": member["member_no"]}, "ordered_at": "2026-11-22T05:05:00Z",
        "lines": [{"sku": "A1", "qty": 2, "unit_price": 1100}], "fulfilment": {"type": "ship"},
    }  # fmt: skip
    headers = {"Authorization": f"Bearer {key.json()['api_key']}"}
    assert api.client.post("/v1/channel/orders", json=body, headers=headers).status_code == 200
    page = admin.client.get("/hq/reports?from=2026-11-20&to=2026-11-23").text
    assert 'data-channel-name="コールセンター"' in page and "¥2,200" in page
