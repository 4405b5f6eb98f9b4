"""The HQ console in a real browser (Debian's chromium via Playwright) against a real server process.

One browser, one walk through a chain's first day: sign in, open a store, add a clerk, import the
catalog, pair a real terminal with the code the page shows, sell on it, find the sale in the day's
per-rate tax report to the yen, revoke the terminal and see its next push refused; then what must be
refused: another store for a store manager, a form without its CSRF token, a sixth wrong password.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from posapp.domain.tender import TenderKind
from posapp.services import Terminal
from scripts import chromium
from sync.client import credentials
from sync.client.http import ServerRefused, SyncClient
from sync.server.db.migrate import upgrade
from sync.server.db.session import make_engine
from sync.server.hq import users
from sync.server.stores import service as stores_service
from sync.server.stores.schemas import StoreIn
from tests.sync.conftest import LiveServer

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not chromium.available() and not os.environ.get("CI"), reason="no /usr/bin/chromium"),
]
PASSWORD = "correct-horse-battery"
ONIGIRI, BATTERY = "4901234567894", "4901234567832"
CATALOG = (
    "sku,jan,name,name_kana,price,tax_class,category\r\n"
    f"ONIGIRI,{ONIGIRI},おにぎり鮭,オニギリサケ,138,reduced,食品\r\n"
    f"BATTERY,{BATTERY},乾電池 単3x4,カンデンチ,657,standard,雑貨\r\n"
)


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveServer]:
    """An empty chain on a real ``posapp-server run``: an HQ admin, and one other store (S900)."""
    server = LiveServer(f"sqlite:///{tmp_path / 'server.sqlite3'}", tmp_path)
    engine = make_engine(server.database_url)
    upgrade(engine)
    with Session(engine) as session:
        users.create_user(
            session, username="hanako", password=PASSWORD, role="admin", display_name="本部 花子"
        )
        stores_service.upsert_store(
            session, data=StoreIn(code="S900", name="他店", registration_number="T7000012050002")
        )
        session.commit()
    engine.dispose()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def file_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(credentials.FILE_KEYRING_ENV, "file")


@pytest.mark.usefixtures("file_keyring")
def test_a_chain_opens_a_store_from_the_browser_and_sells(live: LiveServer, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
        page.on("dialog", lambda dialog: dialog.accept())
        base = live.url + "/hq"

        page.goto(f"{base}/login")
        page.fill("input[name=username]", "hanako")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        expect(page.locator("h1")).to_contain_text("今日の状況")

        page.click("text=店舗・レジ")
        page.click("text=店舗を追加")
        page.fill("input[name=code]", "S100")
        page.fill("input[name=name]", "横浜店")
        page.fill("input[name=registration_number]", "T7000012050002")
        page.fill("input[name=address]", "横浜市西区1-1")
        page.click("button:has-text('保存')")
        expect(page.locator("h1")).to_have_text("S100 横浜店")

        page.fill("form[action$='/clerks'] input[name=code]", "1001")
        page.fill("form[action$='/clerks'] input[name=name]", "山田")
        page.fill("form[action$='/clerks'] input[name=pin]", "1234")
        page.click("button:has-text('担当者を保存')")
        expect(page.locator(".notice")).to_contain_text("担当者を保存しました")

        page.goto(f"{base}/catalog/import")
        page.set_input_files(
            "input[type=file]",
            files=[{"name": "catalog.csv", "mimeType": "text/csv", "buffer": CATALOG.encode("cp932")}],
        )
        page.click("button:has-text('変更内容を確認')")
        expect(page.locator("body")).to_contain_text("新規 2")
        page.click("button:has-text('2 件を取り込む')")
        expect(page.locator(".notice")).to_contain_text("取り込みました")

        page.goto(f"{base}/stores/S100")
        page.click("button:has-text('ペアリングコードを発行')")
        code = page.locator("#pairing-code").inner_text().replace(" ", "")
        expect(page.locator(".countdown .left")).to_contain_text(":")
        terminal = Terminal.open(tmp_path / "terminal")
        terminal.pair_with_server(
            server_url=live.url, pairing_code=code, device_name="横浜レジ1", terminal_code="01"
        )
        terminal.sign_in(code="1001", pin="1234")
        sale = terminal.start_sale()
        line = sale.scan(ONIGIRI).line_index
        assert line is not None
        sale.set_quantity(line, 3)
        sale.scan(BATTERY)
        sale.add_tender(TenderKind.CASH, 2000)
        receipt_no = sale.complete().receipt_no
        receipt = terminal.receipt(receipt_no, reprint=False)
        assert terminal.link is not None
        terminal.link.agent.sync_once()
        assert terminal.status().pending_events == 0

        page.goto(f"{base}/reports?by=store&store=S100")
        row = page.locator("tr[data-store='S100'][data-channel='store']")
        expect(row).to_have_count(1)
        by_rate = {rate.rate: rate for rate in receipt.by_rate}
        assert row.locator("[data-col=taxable_10]").inner_text() == f"¥{by_rate[10].taxable:,}"
        assert row.locator("[data-col=tax_10]").inner_text() == f"¥{by_rate[10].tax:,}"
        assert row.locator("[data-col=taxable_8]").inner_text() == f"¥{by_rate[8].taxable:,}"
        assert row.locator("[data-col=tax_8]").inner_text() == f"¥{by_rate[8].tax:,}"
        assert (by_rate[8].taxable, by_rate[10].taxable) == (414, 657)

        page.goto(f"{base}/stores/S100")
        expect(page.locator("body")).to_contain_text("横浜レジ1")
        page.click("button:has-text('無効化')")
        expect(page.locator(".notice")).to_contain_text("無効にしました")
        token = credentials.load_token(
            server_url=live.url,
            device_id=terminal.settings.device_id,
            data_dir=tmp_path / "terminal",
            plain_file=True,
        )
        assert token is not None
        with pytest.raises(ServerRefused) as refused:
            SyncClient(live.url, token).pull(cursor="")
        assert refused.value.status == 401
        terminal.disconnect()
        terminal.close()

        forged = page.request.post(
            f"{base}/stores", form={"code": "S101", "name": "x", "registration_number": "T7000012050002"}
        )
        assert forged.status == 403

        page.goto(f"{base}/users")
        page.fill("form[action$='/users'] input[name=username]", "tencho")
        page.fill("form[action$='/users'] input[name=password]", PASSWORD)
        page.select_option("form[action$='/users'] select[name=role]", "manager")
        page.select_option("form[action$='/users'] select[name=stores]", ["S100"])
        page.click("button:has-text('作成')")
        expect(page.locator(".notice")).to_contain_text("ユーザーを作成しました")

        manager = browser.new_context().new_page()
        manager.goto(f"{base}/login")
        manager.fill("input[name=username]", "tencho")
        manager.fill("input[name=password]", PASSWORD)
        manager.click("button[type=submit]")
        expect(manager.locator("h1")).to_contain_text("今日の状況")
        answer = manager.goto(f"{base}/stores/S900")
        assert answer is not None and answer.status == 403
        expect(manager.locator(".error")).to_contain_text("権限がありません")
        assert manager.goto(f"{base}/stores/S100").status == 200  # type: ignore[union-attr]

        stranger = browser.new_context().new_page()
        stranger.goto(f"{base}/login")
        for attempt in range(6):
            stranger.fill("input[name=username]", "hanako")
            stranger.fill("input[name=password]", PASSWORD if attempt == 5 else f"wrong-{attempt}")
            stranger.click("button[type=submit]")
        expect(stranger.locator(".error")).to_contain_text("しばらくお待ちください")
        assert stranger.url.endswith("/hq/login")
        browser.close()
