"""Screenshots of every screen on a seeded demo terminal: ``python -m scripts.screenshots``.

Runs under Xvfb (started here when DISPLAY is unset) with the xcb platform, so Japanese fonts are
rendered as on a real register, and writes PNGs to ``docs/screenshots/``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
SIZE = (1366, 768)


def _xcb_works() -> bool:
    """Whether Qt's xcb plugin loads here (it aborts the process when a library is missing)."""
    probe = "from PySide6.QtWidgets import QApplication; QApplication([])"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, timeout=30, check=False)
    return result.returncode == 0


def ensure_display() -> subprocess.Popen[bytes] | None:
    """Start ``Xvfb :99`` when there is no display; fall back to offscreen when xcb cannot load."""
    xvfb = None
    if not os.environ.get("DISPLAY"):
        xvfb = subprocess.Popen(
            ["Xvfb", ":99", "-screen", "0", f"{SIZE[0]}x{SIZE[1]}x24", "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.environ["DISPLAY"] = ":99"
        time.sleep(1.0)  # Xvfb takes a moment to accept connections; there is nothing to wait on
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    if not _xcb_works():
        # Qt 6.5+ needs libxcb-cursor0 and friends for xcb; offscreen renders the same widgets and fonts.
        print("Qt's xcb plugin cannot load here: rendering offscreen instead", file=sys.stderr)
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    return xvfb


def main() -> int:
    """Drive the window to each screen and save it."""
    xvfb = ensure_display()
    try:
        return shoot()
    finally:
        if xvfb is not None:
            xvfb.terminate()
            xvfb.wait()


def shoot() -> int:
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication, QWidget

    from posapp.app import STYLE_SHEET
    from posapp.domain.barcodes import make_member_card
    from posapp.domain.tender import TenderKind
    from posapp.services import Terminal
    from posapp.ui.dialogs.customer import CustomerDialog
    from posapp.ui.dialogs.manager import ManagerDialog
    from posapp.ui.dialogs.pay import PayDialog
    from posapp.ui.dialogs.returns import ReturnsDialog
    from posapp.ui.dialogs.search import SearchDialog
    from posapp.ui.i18n import set_language
    from posapp.ui.main_window import MainWindow
    from tests.services.conftest import CASHIER, MANAGER, MEMBER_NO, seed

    app = QApplication([sys.argv[0]])
    from posapp.ui.fonts import apply_ui_font

    apply_ui_font(app)
    app.setStyleSheet(STYLE_SHEET.read_text(encoding="utf-8"))
    set_language(os.environ.get("POSAPP_LANG", "ja"))
    OUT.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="posapp-shots-"))
    terminal = Terminal.open(folder)
    seed(terminal)
    window = MainWindow(terminal, data_dir=folder)
    window.resize(*SIZE)
    window.show()

    def settle(until: Callable[[], bool] = lambda: True, seconds: float = 5.0) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            QCoreApplication.processEvents()
            if until() and window.worker.idle:
                break
            time.sleep(0.02)
        for _ in range(5):
            QCoreApplication.processEvents()
            time.sleep(0.02)

    def save(widget: QWidget, name: str) -> None:
        settle()
        path = OUT / f"{name}.png"
        widget.grab().save(str(path), "PNG")
        if shutil.which("convert"):  # 8-bit palette: a third of the size, same pixels for a UI
            subprocess.run(["convert", str(path), "-colors", "256", f"PNG8:{path}"], check=False)
        print("wrote", path)

    sale = window.sale
    window.sign_in.code.setText(CASHIER[0])
    save(window, "01-sign-in")
    window.sign_in.pin.setText(CASHIER[1])
    window.sign_in.submit()
    settle(lambda: window.stack.currentWidget() is sale)
    for code in ("4901234567894", "4901234567894", "4901234567801", "4901234567825", "4901234567832"):
        sale.handle_scan(code)
    sale.handle_scan(make_member_card(MEMBER_NO))
    sale.banner.clear()
    settle(lambda: sale.header.status is not None)
    save(window, "02-sale")

    sale.handle_scan("4569951116179")
    save(window, "03-sale-error")
    sale.banner.clear()

    sale.open_search("おにぎり")
    search = sale.active_dialog
    assert isinstance(search, SearchDialog)
    settle(lambda: bool(search.results))
    save(search, "04-search")
    search.reject()

    sale.open_customer()
    customer = sale.active_dialog
    assert isinstance(customer, CustomerDialog)
    customer.query.setText("スズキ")
    customer.search()
    settle(lambda: bool(customer.found))
    save(customer, "05-customer-360")
    customer.reject()

    sale.open_pay()
    pay = sale.active_dialog
    assert isinstance(pay, PayDialog)
    pay.points_input.setText("100")
    pay.apply_points()
    pay.select_kind(TenderKind.CARD)
    pay.amount.setText("500")
    pay.add_tender()
    pay.select_kind(TenderKind.CASH)
    pay.amount.setText("2000")
    save(pay, "06-pay")
    pay.enter()
    settle(lambda: sale.last_sale is not None)
    save(window, "07-after-sale")

    assert sale.last_sale is not None
    sale.open_returns(sale.last_sale.receipt_no)
    returns = sale.active_dialog
    assert isinstance(returns, ReturnsDialog)
    settle(lambda: bool(returns.lines))
    returns.set_quantity(1, 1)
    save(returns, "08-returns")
    returns.reject()

    approval = terminal.approve(code=MANAGER[0], pin=MANAGER[1], action="manager_menu")
    manager = ManagerDialog(terminal, window.worker, approval, sale)
    sale.open_dialog(manager)
    settle(lambda: bool(manager.x_text.toPlainText()))
    save(manager, "09-manager-x")
    manager.tabs.setCurrentIndex(1)
    for face, count in ((1000, 2), (500, 1), (100, 3), (10, 5)):
        manager.grid.counts[face].setValue(count)
    save(manager, "10-manager-z")
    manager.tabs.setCurrentWidget(manager.stock)
    manager.stock.query.setText("緑茶")
    manager.stock.look_up()
    settle(lambda: "緑茶" in manager.stock.levels.toPlainText())
    save(manager, "12-manager-stock")
    manager.tabs.setCurrentWidget(manager.numbers)
    settle(lambda: manager.numbers.report is not None)
    save(manager, "13-manager-numbers")
    manager.tabs.setCurrentWidget(manager.attention)
    settle(lambda: manager.attention.items.count() > 0)
    save(manager, "14-manager-attention")
    devices_shots(window, manager, settle, save, folder)
    manager.reject()

    set_language("en")
    settle()
    sale.handle_scan("4901234567801")
    save(window, "11-sale-english")
    window.close()
    terminal.close()
    set_language("ja")
    shoot_first_download(save)
    from scripts.contact_screenshots import shoot_contacts

    shoot_contacts(save)
    return 0


def shoot_first_download(save: Callable[[Any, str], None]) -> None:
    """A paired terminal opened in the middle of its first catalog download (it goes on from there)."""
    from PySide6.QtCore import QCoreApplication
    from sqlalchemy import update

    from posapp.services import Terminal
    from posapp.store import catalog_load
    from posapp.store.models import CatalogLoad
    from posapp.ui.main_window import MainWindow

    folder = Path(tempfile.mkdtemp(prefix="posapp-shots-download-"))
    terminal = Terminal.open(folder)
    terminal.configure(store_code="S001", terminal_code="01", store_name="○○マート 渋谷店")
    with terminal.db.write() as session:
        catalog_load.begin(session, now=terminal.now(), resync=False)
        session.execute(update(CatalogLoad).values(rows_done=340_000, rows_total=1_000_000))
    window = MainWindow(terminal, data_dir=folder)  # not connected: the rows below stand in for the agent
    window.resize(*SIZE)
    window.show()
    for done in range(340_000, 420_001, 20_000):  # the agent's pages, as the window polls them
        with terminal.db.write() as session:
            session.execute(update(CatalogLoad).values(rows_done=done))
        deadline = time.monotonic() + 0.6
        while time.monotonic() < deadline:
            QCoreApplication.processEvents()
            time.sleep(0.02)
    save(window, "24-first-download")
    window.close()
    terminal.close()


def devices_shots(
    window: Any, manager: Any, settle: Callable[..., None], save: Callable[..., None], folder: Path
) -> None:
    """The device setup (printer, customer display), the customer display itself and a printer warning."""
    from posapp.devices.setup import TransportKind
    from posapp.ui.dialogs.device_setup import DeviceSetupDialog
    from scripts.render_receipts import sample_logo
    from tests.devices.fake_printer import FakePrinter

    fake = FakePrinter()
    manager.devices_changed.connect(window.sale.devices_changed.emit)  # as the F12 key connects it
    manager.tabs.setCurrentIndex(manager.tabs.count() - 1)
    manager.open_device_setup()
    settle(lambda: isinstance(getattr(manager, "device_setup", None), DeviceSetupDialog))
    dialog = manager.device_setup
    form = dialog.printer
    form.kind.setCurrentIndex(form.kind.findData(TransportKind.NETWORK))
    form.host.setText(fake.host)
    form.port.setText(str(fake.port))
    form.columns.setCurrentIndex(form.columns.findData(32))
    logo = folder / "logo.png"
    logo.write_bytes(sample_logo())
    form.logo_path.setText(str(logo))
    form.load_logo_file()
    form.qr_url.setText("https://shop.example.jp/mypage")
    form.watch_status.setChecked(True)
    form.found.addItems(["192.168.1.50", "192.168.1.51"])
    dialog.test_print()
    settle(lambda: "✔" in dialog.outcome.text())
    save(dialog, "18-device-setup-printer")
    dialog.tabs.setCurrentWidget(dialog.display)
    dialog.display.window_on.setChecked(True)
    dialog.display.screen_choice.setCurrentIndex(0)
    dialog.display.message.setText("本日ポイント2倍デー")
    dialog.save()
    settle(lambda: "保存しました" in dialog.outcome.text())
    save(dialog, "19-device-setup-display")
    dialog.reject()
    manager.reject()
    settle(lambda: window.customer_display is not None and window.customer_display.window is not None)
    sale = window.sale
    display = window.customer_display.window
    display.resize(1280, 720)
    save(display, "20-customer-display-idle")
    for code in ("4901234567894", "4901234567894", "4901234567801", "4901234567832"):
        sale.handle_scan(code)
    save(display, "21-customer-display-sale")
    fake.paper_near_end = True
    window.printer_watch.poll()
    settle(lambda: sale.header.printer.isVisible())
    save(window, "23-printer-paper-low")
    sale.open_pay()
    pay = sale.active_dialog
    pay.amount.setText("2000")
    pay.enter()
    settle(lambda: sale.last_sale is not None)
    save(display, "22-customer-display-paid")
    fake.close()


if __name__ == "__main__":
    sys.exit(main())
