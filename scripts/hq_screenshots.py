"""Screenshots of every HQ console page, in Japanese: ``python -m scripts.hq_screenshots``.

Starts a real server on a fresh SQLite file with the demo chain, signs in with Debian's chromium
(Playwright), opens a store, pairs a real terminal with the code the page shows, sells on it, and
writes ``docs/screenshots/hq-*.png`` (1280×800; a tablet-sized one of the report too).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import requests

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct-horse-battery"


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cli(*args: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "sync.server.cli", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip


def _seed(database: str, env: dict[str, str]) -> None:
    """The demo chain, an HQ admin and a store manager, a flagged sale and a refused one."""
    from sqlalchemy.orm import Session

    from sync.server.db.session import make_engine
    from sync.server.hq import users

    _cli("demo-data", "--database", database, "--products", "2000", "--members", "300", env=env)
    engine = make_engine(database)
    with Session(engine) as session:
        users.create_user(
            session, username="hanako", password=PASSWORD, role="admin", display_name="本部 花子"
        )
        users.create_user(session, username="tencho", password=PASSWORD, role="manager", display_name="渋谷 店長",
                          store_codes=["S001"])  # fmt: skip
        users.create_user(
            session, username="kansa", password=PASSWORD, role="auditor", display_name="監査 一郎"
        )
        session.commit()
    engine.dispose()


def _sell(url: str, code: str, data_dir: Path) -> None:
    """Pair a real terminal with ``code`` and sell on it; one sale names an item HQ does not know."""
    from posapp.domain.tender import TenderKind
    from posapp.services import Terminal

    terminal = Terminal.open(data_dir)
    terminal.pair_with_server(server_url=url, pairing_code=code, device_name="渋谷レジ3", terminal_code="03")
    terminal.sign_in(code="1001", pin="1234")
    with terminal.db.read() as session:
        from sqlalchemy import select

        from posapp.store.models import Product

        jans = [
            jan for (jan,) in session.execute(select(Product.jan).where(Product.jan.is_not(None)).limit(12))
        ]
    for basket in (jans[:3], jans[3:5], jans[5:9], jans[9:12]):
        sale = terminal.start_sale()
        for jan in basket:
            assert jan is not None
            sale.scan(jan)
        sale.add_tender(TenderKind.CASH, sale.totals.amount_due)
        sale.complete()
    assert terminal.link is not None
    terminal.link.agent.sync_once()
    terminal.disconnect()
    terminal.close()


def _unhappy_events(url: str, env: dict[str, str]) -> None:
    """A sale of an unknown item (stored, flagged) and one for an unknown member (refused: a dead letter)."""
    import gzip
    import json
    from datetime import UTC, datetime

    from uuid6 import uuid7

    from sync.client.http import SyncClient

    admin = subprocess.run([sys.executable, "-m", "sync.server.cli", "admin-token"], cwd=ROOT, env=env,
                           check=True, capture_output=True, text=True).stdout.strip()  # fmt: skip
    code = requests.post(f"{url}/v1/admin/stores/S002/pairing-codes", headers={"Authorization": f"Bearer {admin}"},
                         timeout=30).json()["code"]  # fmt: skip
    token = SyncClient(url).pair(pairing_code=code, device_name="新宿レジ1").token
    now = datetime.now(UTC).isoformat()

    def sale(number: int, member: str | None) -> dict[str, object]:
        return {"id": str(uuid7()), "seq": number, "kind": "sale.completed", "terminal_code": "01", "store_code": "S002",
                "created_at": now, "payload": {
                    "sale_id": str(uuid7()), "receipt_no": f"S002-01-{number:06d}", "business_day": now[:10],
                    "sold_at": now, "clerk_code": "1001", "member_no": member, "eat_in": False,
                    "lines": [{"line_no": 1, "sku": "LOCAL-99", "name": "店内手書き品", "quantity": 1, "unit_price": 330,
                               "discount": 0, "amount": 330, "tax_class": "standard", "rate": 10}],
                    "by_rate": [{"rate": 10, "taxable": 330, "tax": 30}], "subtotal": 330, "discount": 0,
                    "total": 330, "payments": [{"kind": "cash", "amount": 330}], "change": 0,
                    "points_used": 0, "points_earned": 0}}  # fmt: skip

    body = json.dumps({"protocol_version": 1, "terminal_code": "01",
                       "events": [sale(1, None), sale(2, "999999999999")]}).encode()  # fmt: skip
    requests.post(f"{url}/v1/sync/push", data=gzip.compress(body), timeout=30,
                  headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                           "Content-Encoding": "gzip"})  # fmt: skip


def main() -> int:
    from playwright.sync_api import sync_playwright

    from scripts import chromium
    from sync.server.products.schedule import chain_today

    work = Path(tempfile.mkdtemp(prefix="hq-shots-"))
    database = f"sqlite:///{work / 'server.sqlite3'}"
    env = {
        **os.environ,
        "POSAPP_DATA_DIR": str(work),
        "POSAPP_LOG_LEVEL": "warning",
        "POSAPP_KEYRING": "file",
    }
    os.environ.update({"POSAPP_KEYRING": "file"})
    _seed(database, env)
    port = _port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "sync.server.cli", "run", "--database", database, "--port", str(port)],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        for _ in range(120):
            try:
                if requests.get(url + "/healthz", timeout=1).ok:
                    break
            except requests.RequestException:
                time.sleep(0.5)
        OUT.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as playwright:
            browser = chromium.launch(playwright)
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.on("dialog", lambda dialog: dialog.accept())
            base = url + "/hq"

            def shot(name: str, *, full: bool = False) -> None:
                page.screenshot(path=str(OUT / f"hq-{name}.png"), full_page=full)
                print(OUT / f"hq-{name}.png")

            page.goto(f"{base}/login")
            page.fill("input[name=username]", "hanako")
            shot("01-login")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.goto(f"{base}/stores/new")
            page.fill("input[name=code]", "S003")
            page.fill("input[name=name]", "横浜店")
            page.fill("input[name=registration_number]", "T7000012050002")
            page.fill("input[name=address]", "神奈川県横浜市西区みなとみらい1-1")
            page.fill("textarea[name=receipt_footer]", "お買い上げありがとうございます")
            shot("03-store-new")
            page.goto(f"{base}/stores/S001")
            page.click("button:has-text('ペアリングコードを発行')")
            page.wait_for_timeout(1200)
            shot("05-pairing")
            code = page.locator("#pairing-code").inner_text().replace(" ", "")
            _sell(url, code, work / "terminal")
            _unhappy_events(url, env)
            page.goto(f"{base}/")
            shot("02-home")
            page.goto(f"{base}/stores/S001")
            shot("04-store", full=True)
            page.goto(f"{base}/catalog?q=おにぎり")
            shot("06-catalog")
            page.goto(f"{base}/catalog/P00001")
            page.fill("form[action$='price-changes'] input[name=price]", "128")
            page.fill(
                "form[action$='price-changes'] input[name=effective_on]",
                (chain_today() + timedelta(days=7)).isoformat(),
            )
            page.click("button:has-text('予約する')")
            shot("07-product")
            csv_text = "sku,jan,name,name_kana,price,tax_class,category\r\nP00001,,おにぎり 鮭,オニギリ サケ,148,reduced,食品\r\nNEW-001,,季節のおでん,キセツノオデン,398,reduced,惣菜\r\n"
            page.goto(f"{base}/catalog/import")
            page.set_input_files("input[type=file]", files=[{"name": "catalog.csv", "mimeType": "text/csv",
                                                             "buffer": csv_text.encode("cp932")}])  # fmt: skip
            page.click("button:has-text('変更内容を確認')")
            page.wait_for_selector("text=取り込むと次のように変わります")
            shot("08-import-preview")
            today = chain_today()
            page.goto(f"{base}/reports?from={today.isoformat()}&to={today.isoformat()}&by=store")
            shot("09-report-day", full=True)
            page.goto(
                f"{base}/reports?from={today.replace(month=1, day=1).isoformat()}&to={today.isoformat()}&group=month&by=chain"
            )
            shot("10-report-months")
            page.goto(f"{base}/members?q=佐藤")
            shot("11-members")
            first = page.locator("table.list tbody a").first
            first.click()
            shot("12-member-360", full=True)
            page.goto(f"{base}/operations")
            shot("13-operations", full=True)
            page.goto(f"{base}/users")
            shot("14-users-audit", full=True)
            tablet = browser.new_context(viewport={"width": 820, "height": 1180}).new_page()
            tablet.goto(f"{base}/login")
            tablet.fill("input[name=username]", "tencho")
            tablet.fill("input[name=password]", PASSWORD)
            tablet.click("button[type=submit]")
            tablet.goto(f"{base}/reports?from={today.isoformat()}&to={today.isoformat()}")
            tablet.screenshot(path=str(OUT / "hq-15-tablet-manager.png"))
            print(OUT / "hq-15-tablet-manager.png")
            browser.close()
    finally:
        server.terminate()
        server.wait(10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
