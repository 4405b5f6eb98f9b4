"""Screenshots of the customer panel with an open complaint and of the contact dialog:
``python -m scripts.contact_screenshots`` (also run by ``scripts.screenshots``).

The complaint reaches the seeded terminal the way it does in a store: as a ``contact`` row of the
change feed (a web-shop complaint about one of the store's members), applied to the offline cache.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

SIZE = (1366, 768)


def shoot_contacts(save: Callable[[Any, str], None]) -> None:
    """``25-customer-open-complaint`` (the sale screen) and ``26-contact-dialog``."""
    from PySide6.QtCore import QCoreApplication

    from posapp.domain.barcodes import make_member_card
    from posapp.services import Terminal
    from posapp.store.cache import CacheChange, apply_changes
    from posapp.ui.dialogs.contact import ContactDialog
    from posapp.ui.main_window import MainWindow
    from tests.services.conftest import CASHIER, MEMBER_NO, seed

    folder = Path(tempfile.mkdtemp(prefix="posapp-shots-contacts-"))
    terminal = Terminal.open(folder)
    seed(terminal)
    opened = datetime.now(UTC) - timedelta(days=2)
    complaint = {
        "id": 31, "contact_id": "WEB-20261130-0042", "member_no": MEMBER_NO, "kind": "complaint",
        "channel": "web", "taken_by": "公式オンラインショップ", "subject": "届いたグラスが割れていた",
        "status": "in_progress", "opened_at": opened.isoformat(),
    }  # fmt: skip
    inquiry = {
        "id": 30, "contact_id": "CC-5521", "member_no": MEMBER_NO, "kind": "inquiry", "channel": "call_centre",
        "taken_by": "コールセンター", "subject": "緑茶ギフトの取り寄せ", "status": "open",
        "opened_at": (opened - timedelta(days=5)).isoformat(),
    }  # fmt: skip
    with terminal.db.write() as session:
        apply_changes(
            session,
            [CacheChange(900, "contact", "30", inquiry), CacheChange(901, "contact", "31", complaint)],
            store_code="S001",
        )
    window = MainWindow(terminal, data_dir=folder)
    window.resize(*SIZE)
    window.show()

    def settle(until: Callable[[], bool], seconds: float = 5.0) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not (until() and window.worker.idle):
            QCoreApplication.processEvents()
            time.sleep(0.02)
        for _ in range(5):
            QCoreApplication.processEvents()
            time.sleep(0.02)

    window.sign_in.code.setText(CASHIER[0])
    window.sign_in.pin.setText(CASHIER[1])
    window.sign_in.submit()
    sale = window.sale
    settle(lambda: window.stack.currentWidget() is sale)
    for code in ("4901234567894", "4901234567801"):
        sale.handle_scan(code)
    sale.handle_scan(make_member_card(MEMBER_NO))
    sale.banner.clear()
    settle(lambda: sale.customer_panel.complaint.isVisible())
    save(window, "25-customer-open-complaint")

    sale.open_contact()
    dialog = sale.active_dialog
    assert isinstance(dialog, ContactDialog)
    settle(lambda: dialog.listing.count() == 2)
    dialog.kind.setCurrentIndex(2)  # 返品依頼
    dialog.subject.setText("サイズ違いの交換希望")
    dialog.body.setPlainText("昨日購入のシャツ、Lサイズと交換したい。レシートあり。")
    dialog.receipt.setText("S001-02-000123")
    save(dialog, "26-contact-dialog")
    dialog.reject()
    window.close()
    terminal.close()


def main() -> int:
    """Render both screenshots (under Xvfb when there is one, else offscreen)."""
    from scripts.screenshots import OUT, ensure_display

    # Offscreen renders the same widgets and the bundled CJK font; used when asked or when there is no Xvfb.
    offscreen = os.environ.get("QT_QPA_PLATFORM") == "offscreen" or shutil.which("Xvfb") is None
    if offscreen:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    xvfb = None if offscreen else ensure_display()
    try:
        from PySide6.QtWidgets import QApplication

        from posapp.app import STYLE_SHEET
        from posapp.ui.fonts import apply_ui_font
        from posapp.ui.i18n import set_language

        app = QApplication([sys.argv[0]])
        apply_ui_font(app)
        app.setStyleSheet(STYLE_SHEET.read_text(encoding="utf-8"))
        set_language("ja")
        OUT.mkdir(parents=True, exist_ok=True)

        def save(widget: Any, name: str) -> None:
            path = OUT / f"{name}.png"
            widget.grab().save(str(path), "PNG")
            if shutil.which("convert"):
                subprocess.run(["convert", str(path), "-colors", "256", f"PNG8:{path}"], check=False)
            print("wrote", path)

        shoot_contacts(save)
        return 0
    finally:
        if xvfb is not None:
            xvfb.terminate()
            xvfb.wait()


if __name__ == "__main__":
    raise SystemExit(main())
