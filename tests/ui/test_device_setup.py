"""The manager sets the printer up from F12 with the keyboard, test-prints to a fake printer, saves (audited)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from posapp.devices.testpage import ruler
from posapp.services import Terminal
from posapp.services.devices import load_setup
from posapp.services.printing import print_receipt
from posapp.store.models import AuditEntry
from posapp.ui.dialogs.approval import ApprovalDialog
from posapp.ui.dialogs.device_setup import DeviceSetupDialog
from posapp.ui.dialogs.manager import ManagerDialog
from posapp.ui.sale_view import SalePage
from tests.devices.escpos_decode import decode
from tests.devices.fake_printer import FakePrinter, fake_printer
from tests.services.conftest import MANAGER
from tests.services.test_printing import sell_cash
from tests.ui.test_returns_manager import approve

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]


def open_device_setup(qtbot: QtBot, page: SalePage) -> tuple[ManagerDialog, DeviceSetupDialog]:
    """F12, the manager's code and PIN typed, the settings tab, the device button clicked."""
    qtbot.keyClick(page.input, Qt.Key.Key_F12)
    approval = page.active_dialog
    assert isinstance(approval, ApprovalDialog)
    approve(qtbot, approval, *MANAGER)
    qtbot.waitUntil(lambda: isinstance(page.active_dialog, ManagerDialog))
    manager = page.active_dialog
    assert isinstance(manager, ManagerDialog)
    manager.tabs.setCurrentIndex(manager.tabs.count() - 1)
    qtbot.mouseClick(manager.devices_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: getattr(manager, "device_setup", None) is not None)
    dialog = manager.device_setup
    qtbot.waitExposed(dialog)
    return manager, dialog


def type_into(qtbot: QtBot, widget: object, text: str) -> None:
    widget.setFocus()  # type: ignore[attr-defined]
    qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(widget, Qt.Key.Key_Delete)
    qtbot.keyClicks(widget, text)


def choose_network_printer(qtbot: QtBot, dialog: DeviceSetupDialog, fake: FakePrinter) -> None:
    """Down on the connection list picks "network"; Tab moves to the address and the port."""
    form = dialog.printer
    assert form.kind.hasFocus()
    qtbot.keyClick(form.kind, Qt.Key.Key_Down)
    assert form.transport_kind().value == "network"
    qtbot.keyClick(form.kind, Qt.Key.Key_Tab)
    assert form.host.hasFocus()
    qtbot.keyClicks(form.host, fake.host)
    qtbot.keyClick(form.host, Qt.Key.Key_Tab)
    assert form.port.hasFocus()
    type_into(qtbot, form.port, str(fake.port))


def click(qtbot: QtBot, button: object) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def logo_file(tmp_path: Path) -> Path:
    image = Image.new("RGB", (400, 100), "white")
    ImageDraw.Draw(image).rectangle((20, 20, 380, 80), fill="black")
    out = tmp_path / "logo.png"
    image.save(out)
    return out


def test_setup_by_keyboard_test_print_and_save(qtbot: QtBot, page: SalePage, terminal: Terminal) -> None:
    with fake_printer() as fake:
        _, dialog = open_device_setup(qtbot, page)
        choose_network_printer(qtbot, dialog, fake)
        columns = dialog.printer.columns
        columns.setFocus()
        qtbot.keyClick(columns, Qt.Key.Key_Up)  # 80 mm 42 → 58 mm 32 columns
        assert columns.currentData() == 32
        pin = dialog.printer.drawer_pin
        pin.setFocus()
        qtbot.keyClick(pin, Qt.Key.Key_Down)  # pin 5
        dialog.with_drawer.setFocus()
        qtbot.keyClick(dialog.with_drawer, Qt.Key.Key_Space)
        click(qtbot, dialog.test_button)
        qtbot.waitUntil(lambda: "✔" in dialog.outcome.text(), timeout=5000)
        assert "テスト印刷を送りました" in dialog.outcome.text()
        [job] = fake.wait_for_jobs(1)
        printed = decode(job)
        assert ruler(32) in printed.lines and ruler(42) not in "".join(printed.lines)
        assert printed.qr_data == ["TEST-0001"]  # the QR code of the receipt number, on by default
        assert [p for c, p in printed.commands if c == b"\x1bp"] == [b"\x01\x32\x32"]  # pin 5, 100 ms

        fake.cover_open = True
        click(qtbot, dialog.test_button)
        qtbot.waitUntil(lambda: "⚠" in dialog.outcome.text(), timeout=5000)
        assert "カバーが開いています" in dialog.outcome.text()
        assert len(fake.print_jobs()) == 1  # nothing sent to a printer with its cover open
        fake.cover_open = False

        click(qtbot, dialog.save_button)
        qtbot.waitUntil(lambda: "保存しました" in dialog.outcome.text(), timeout=5000)
        stored = load_setup(terminal.counter).printer
        assert (stored.transport, stored.columns) == (fake.spec, 32)
        assert terminal.settings.printer == fake.spec
        with terminal.db.read() as session:
            entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "device_setup")).one()
        assert entry.approved_by == MANAGER[0]
        assert entry.detail["changes"]["printer.columns"] == [42, 32]
        assert entry.detail["changes"]["printer.transport"] == ["", fake.spec]
        assert entry.detail["changes"]["printer.drawer_pin"] == [2, 5]

        _, receipt = sell_cash(terminal)
        assert print_receipt(terminal.counter, receipt).ok  # type: ignore[union-attr,arg-type]
        sale = decode(fake.wait_for_jobs(2)[1])
        assert "-" * 32 in sale.lines and "-" * 42 not in sale.lines


def test_bad_input_is_refused_in_words_with_the_cursor_on_the_field(
    qtbot: QtBot, page: SalePage, terminal: Terminal
) -> None:
    _, dialog = open_device_setup(qtbot, page)
    form = dialog.printer
    qtbot.keyClick(form.kind, Qt.Key.Key_Down)
    qtbot.keyClick(form.kind, Qt.Key.Key_Tab)
    qtbot.keyClicks(form.host, "printer host")
    click(qtbot, dialog.save_button)
    assert dialog.error.isVisible() and "IPアドレス" in dialog.error.text()
    assert form.host.hasFocus()
    type_into(qtbot, form.host, "192.168.1.50")
    type_into(qtbot, form.port, "70000")
    click(qtbot, dialog.test_button)
    assert "ポート番号" in dialog.error.text() and form.port.hasFocus()
    type_into(qtbot, form.port, "9100")
    type_into(qtbot, form.qr_url, "javascript:alert(1)")
    click(qtbot, dialog.save_button)
    assert "QRコードのURL" in dialog.error.text() and form.qr_url.hasFocus()
    dialog.tabs.setCurrentIndex(1)
    assert load_setup(terminal.counter).printer.transport == ""  # nothing was stored


def test_network_scan_finds_the_printer(qtbot: QtBot, page: SalePage) -> None:
    with fake_printer() as fake:
        _, dialog = open_device_setup(qtbot, page)
        form = dialog.printer
        qtbot.keyClick(form.kind, Qt.Key.Key_Down)
        type_into(qtbot, form.port, str(fake.port))
        type_into(qtbot, form.subnet, "127.0.0.0/29")
        click(qtbot, form.scan_button)
        qtbot.waitUntil(lambda: form.found.count() > 0, timeout=10_000)
        assert form.found.item(0).text() == "127.0.0.1" and form.host.text() == "127.0.0.1"


def test_logo_upload_preview_and_storage_in_the_printer(
    qtbot: QtBot, page: SalePage, terminal: Terminal, tmp_path: Path
) -> None:
    with fake_printer() as fake:
        _, dialog = open_device_setup(qtbot, page)
        choose_network_printer(qtbot, dialog, fake)
        form = dialog.printer
        height_before = form.preview_image.height
        type_into(qtbot, form.logo_path, str(tmp_path / "missing.png"))
        qtbot.keyClick(form.logo_path, Qt.Key.Key_Return)
        assert "ロゴに使えません" in dialog.error.text()
        type_into(qtbot, form.logo_path, str(logo_file(tmp_path)))
        qtbot.keyClick(form.logo_path, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: form.preview_image.height > height_before + 50)
        assert "保存するとプリンターに登録" in form.logo_state.text()
        click(qtbot, dialog.save_button)
        qtbot.waitUntil(lambda: "ロゴをプリンターに登録しました" in dialog.outcome.text(), timeout=5000)
        [stored_job] = fake.wait_for_jobs(1)
        width, height, _ = decode(stored_job).nv_graphics[b"OP"]
        assert (width, height) == (400, 100)
        assert "登録済み" in form.logo_state.text()
        setup = load_setup(terminal.counter).printer
        assert setup.logo_png and setup.logo_in_printer
        _, receipt = sell_cash(terminal)
        assert print_receipt(terminal.counter, receipt).ok  # type: ignore[union-attr,arg-type]
        assert decode(fake.wait_for_jobs(2)[1]).nv_prints == [b"OP"]


def test_english_dialog_says_it_in_english(qtbot: QtBot, page: SalePage) -> None:
    from posapp.ui.i18n import set_language

    set_language("en")
    _, dialog = open_device_setup(qtbot, page)
    click(qtbot, dialog.test_button)
    qtbot.waitUntil(lambda: "None" in dialog.outcome.text(), timeout=5000)
    assert dialog.outcome.text() == 'The connection is "None". Choose how the printer is connected.'
    texts = [dialog.windowTitle(), dialog.tabs.tabText(0), dialog.tabs.tabText(1), dialog.outcome.text()]
    texts += [dialog.printer.kind.itemText(i) for i in range(dialog.printer.kind.count())]
    assert not [t for t in texts if any("\u3040" <= c <= "\u9fff" for c in t)]
