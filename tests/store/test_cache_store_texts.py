"""The address and receipt footer HQ sets for a store reach the terminal's settings through the feed."""

from __future__ import annotations

from pathlib import Path

from posapp.services import Terminal
from posapp.store.cache import CacheChange, apply_changes

STORE = {"code": "S001", "name": "渋谷店", "registration_number": "T7000012050002", "timezone": "Asia/Tokyo"}


def test_address_and_footer_from_hq_replace_the_defaults(tmp_path: Path) -> None:
    terminal = Terminal.open(tmp_path)
    terminal.configure(store_code="S001", terminal_code="01")
    payload = {
        **STORE,
        "address": "東京都渋谷区1-1",
        "receipt_footer": "またお越しください\r\n営業 9時〜21時\n",
    }
    with terminal.db.write() as session:
        apply_changes(session, [CacheChange(1, "store", "S001", payload)], store_code="S001")
    settings = terminal.reload_settings()
    assert settings.address == "東京都渋谷区1-1"
    assert settings.footer_messages == ("またお越しください", "営業 9時〜21時")
    terminal.close()


def test_an_older_server_without_them_keeps_the_terminal_s_own(tmp_path: Path) -> None:
    terminal = Terminal.open(tmp_path)
    terminal.configure(store_code="S001", terminal_code="01", address="手入力の住所")
    with terminal.db.write() as session:
        apply_changes(session, [CacheChange(1, "store", "S001", STORE)], store_code="S001")
    settings = terminal.reload_settings()
    assert settings.address == "手入力の住所" and settings.footer_messages == (
        "お買い上げありがとうございます",
    )
    terminal.close()
