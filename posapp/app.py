"""The terminal application's entry point: ``posapp [--data-dir D] [--server URL] [--demo] [--lang en]``."""

from __future__ import annotations

import argparse
import platform
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from posapp.services import Terminal
from posapp.services.terminal import default_data_dir

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
STYLE_SHEET = RESOURCES / "styles" / "pos.qss"
UI_FONT_FAMILIES = ["Noto Sans CJK JP", "Hiragino Sans", "Yu Gothic UI", "Meiryo UI"]


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="posapp", description="OmniPOS store terminal")
    parser.add_argument("--data-dir", type=Path, default=None, help="where the terminal database lives")
    parser.add_argument("--server", default="", help="central server URL (pre-filled on first run)")
    parser.add_argument("--demo", action="store_true", help="open a local demo terminal with sample data")
    parser.add_argument("--lang", choices=("ja", "en"), default=None, help="screen language")
    parser.add_argument("--self-check", action="store_true", help="sell one item in a temp folder and exit")
    parser.add_argument("--screenshot", type=Path, default=None, help="save the first screen as PNG and exit")
    return parser.parse_args(list(argv))


def self_check() -> int:
    """Open a database in a temporary folder, ring up one item, build its receipt; no window."""
    from posapp.domain.tender import TenderKind
    from posapp.ui.demo import DEMO_CLERKS, DEMO_PRODUCTS, seed_demo
    from posapp.ui.receipt_text import plain_receipt_lines

    with tempfile.TemporaryDirectory(prefix="posapp-check-") as folder:
        terminal = Terminal.open(Path(folder))
        try:
            seed_demo(terminal, pin_cost=2**10)
            code, pin, _name, _role = DEMO_CLERKS[0]
            terminal.sign_in(code=code, pin=pin)
            sale = terminal.start_sale()
            sale.scan(DEMO_PRODUCTS[0][0])
            sale.add_tender(TenderKind.CASH, 1000)
            done = sale.complete()
            lines = plain_receipt_lines(done.receipt)
        finally:
            terminal.close()
    print(f"self-check ok: receipt {done.receipt_no}, total ¥{done.total:,}, {len(lines)} lines")
    return 0


def pair_with_server(terminal: Terminal, url: str, code: str) -> None:
    """Pair with the central server (the register number comes from the server) and start syncing."""
    terminal.pair_with_server(server_url=url, pairing_code=code, device_name=platform.node() or "OmniPOS")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the window (or the self-check) and return the exit code."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.self_check:
        return self_check()

    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QFont, QFontDatabase
    from PySide6.QtWidgets import QApplication

    from posapp.ui.demo import seed_demo
    from posapp.ui.i18n import set_language
    from posapp.ui.main_window import MainWindow
    from posapp.ui.preferences import load_preferences

    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    families = set(QFontDatabase.families())
    font = QFont(next((f for f in UI_FONT_FAMILIES if f in families), app.font().family()))
    font.setPixelSize(16)
    app.setFont(font)
    if STYLE_SHEET.exists():
        app.setStyleSheet(STYLE_SHEET.read_text(encoding="utf-8"))
    data_dir = args.data_dir or (
        Path(tempfile.gettempdir()) / "omnipos-demo" if args.demo else default_data_dir()
    )
    set_language(args.lang or load_preferences(data_dir).language)
    terminal = Terminal.open(data_dir)
    if args.demo and not terminal.settings.store_code:
        seed_demo(terminal)
    window = MainWindow(
        terminal,
        data_dir=data_dir,
        pair=pair_with_server,
        demo=seed_demo,
        server_url=args.server,
        demo_hint=args.demo,
    )
    window.resize(1366, 768)
    window.show()
    QTimer.singleShot(0, window.connect_in_background)  # after the first frame: selling never waits for sync
    if args.screenshot is not None:
        target: Path = args.screenshot

        def save_and_quit() -> None:
            window.grab().save(str(target))
            app.quit()

        QTimer.singleShot(1_000, save_and_quit)
    try:
        return app.exec()
    finally:
        terminal.close()
