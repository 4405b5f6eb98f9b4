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


def _member(server_id: int, member_no: str, name: str, phone: str = "") -> CacheChange:
    profile = {"id": server_id, "member_no": member_no, "name": name, "name_kana": "", "phone": phone,
               "email": None, "merged_into_id": None, "erased": False}  # fmt: skip
    return CacheChange(20_000 + server_id, "customer", str(server_id), profile)


def test_a_number_finds_members_by_number_and_phone_never_by_digits_inside_a_name(
    signed_in: Terminal,
) -> None:
    terminal = signed_in
    with terminal.db.write() as session:
        changes = [_member(51, "5550001", "ルーム1234 田中"), _member(52, "1234", "佐藤"),
                   _member(53, "5550003", "高橋", phone="0312341234")]  # fmt: skip
        apply_changes(session, changes, store_code="S001")
    # A scanned card or a typed number is a number: a name holding those digits is not a match (it also
    # kept the terminal from asking the server for a member this store does not keep offline).
    by_number = {"1234", "5550003", MEMBER_NO}  # the member numbered 1234, and two phones holding 1234
    assert {c.member_no for c in terminal.find_customers("1234")} == by_number
    assert {c.member_no for c in terminal.find_customers("１２３４")} == by_number  # full-width
    assert [c.member_no for c in terminal.find_customers("田中")] == ["5550001"]
    assert [c.member_no for c in terminal.find_customers("ルーム1234")] == ["5550001"]


def test_like_wildcards_typed_by_a_clerk_are_plain_characters(signed_in: Terminal) -> None:
    terminal = signed_in
    with terminal.db.write() as session:
        apply_changes(session, [_member(61, "5550061", "100%果汁 山田"), _member(62, "5550062", "木_村")],
                      store_code="S001")  # fmt: skip
    assert terminal.find_customers("%") == [_only(terminal, "5550061")]
    assert terminal.find_customers("_") == [_only(terminal, "5550062")]
    assert terminal.find_customers("%果汁") == [_only(terminal, "5550061")]
    assert terminal.find_customers("木%村") == []


def _only(terminal: Terminal, member_no: str) -> object:
    return terminal.customer(member_no)
