"""The terminal's customer cache follows the feed, including a member erased on request."""

from __future__ import annotations

from sqlalchemy import select

from posapp.services import Terminal
from posapp.store.cache import CacheChange, apply_changes
from posapp.store.models import Customer
from tests.services.conftest import MEMBER_NO


def cached(terminal: Terminal) -> Customer:
    with terminal.db.read() as session:
        found = session.scalar(select(Customer).where(Customer.member_no == MEMBER_NO))
        assert found is not None
        session.expunge(found)
        return found


def test_an_erased_member_loses_name_contact_and_note_on_the_terminal(signed_in: Terminal) -> None:
    terminal = signed_in
    assert [c.member_no for c in terminal.find_customers("鈴木")] == [MEMBER_NO]
    with terminal.db.write() as session:
        row = session.scalar(select(Customer).where(Customer.member_no == MEMBER_NO))
        assert row is not None
        row.note = "アレルギー: 卵"
    assert cached(terminal).note == "アレルギー: 卵" and cached(terminal).phone == "09012345678"
    erased = {"id": 42, "member_no": MEMBER_NO, "name": "削除済み会員", "name_kana": "", "phone": None,
              "email": None, "merged_into_id": None, "erased": True}  # fmt: skip
    with terminal.db.write() as session:
        apply_changes(session, [CacheChange(10_000, "customer", "42", erased)], store_code="S001")
    after = cached(terminal)
    assert (after.name, after.name_kana, after.phone, after.email, after.note) == (
        "削除済み会員",
        "",
        "",
        "",
        "",
    )
    assert terminal.find_customers("鈴木") == [] and terminal.find_customers("09012345678") == []
