"""The terminal application's entry point: ``posapp [--data-dir D] [--server URL] [--demo] [--lang en]``."""

from __future__ import annotations

import argparse
import platform
import sys
import tempfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from posapp.config import default_data_dir
from posapp.resources import RESOURCES
from posapp.services import Terminal
from posapp.version import software_version

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication, QWidget

    from posapp.devices.layout import ReceiptLine

STYLE_SHEET = RESOURCES / "styles" / "pos.qss"


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="posapp", description="OmniPOS store terminal")
    parser.add_argument("--data-dir", type=Path, default=None, help="where the terminal database lives")
    parser.add_argument("--server", default="", help="central server URL (pre-filled on first run)")
    parser.add_argument("--demo", action="store_true", help="open a local demo terminal with sample data")
    parser.add_argument("--lang", choices=("ja", "en"), default=None, help="screen language")
    parser.add_argument("--self-check", action="store_true", help="sell one item in a temp folder and exit")
    parser.add_argument("--screenshot", type=Path, default=None, help="save the first screen as PNG and exit")
    parser.add_argument("--version", action="version", version=f"OmniPOS {software_version()}")
    parser.add_argument(
        "--backup", type=Path, metavar="FILE", help="copy the database to FILE (safe while the terminal runs)"
    )
    parser.add_argument(
        "--restore", type=Path, metavar="FILE", help="replace the database with a backup (terminal closed)"
    )
    parser.add_argument("--log-dir", type=Path, default=None, help="where the log file goes")
    return parser.parse_args(list(argv))


def backup_or_restore(args: argparse.Namespace) -> int:
    """``--backup FILE`` / ``--restore FILE``: one line saying what was done, or why not (exit 1)."""
    from posapp.services.backup import BackupError, backup_database, check_backup, restore_database

    data_dir = args.data_dir or default_data_dir()
    try:
        if args.backup is not None:
            target = backup_database(data_dir, args.backup)
            print(f"backup written: {target} ({check_backup(target)} sales)")
        else:
            kept = restore_database(data_dir, args.restore)
            print(
                f"restored {args.restore} into {data_dir}"
                + (f"; the previous database is {kept}" if kept else "")
            )
    except BackupError as error:
        print(f"posapp: {error}", file=sys.stderr)
        return 1
    return 0


def self_check() -> int:
    """Sell one item in a temporary folder, then load every part a broken bundle could lack; no window.

    Each part prints one line; a missing one (Qt plugin, style sheet, translations, font, time zones,
    printer encoder, keyring backend) raises, so ``posapp --self-check`` fails instead of a store's first sale.
    """
    from posapp.devices.plain import plain_lines
    from posapp.devices.render import render_receipt
    from posapp.domain.tender import TenderKind
    from posapp.services.demo import DEMO_CLERKS, DEMO_PRODUCTS, seed_demo

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
        finally:
            terminal.close()
    # The lines the printer, the PDF and the screen's preview all lay out.
    printed = render_receipt(done.receipt)
    lines = plain_lines(printed)
    print(f"self-check ok: receipt {done.receipt_no}, total ¥{done.total:,}, {len(lines)} lines")
    for line in check_desktop_parts(printed):
        print(f"self-check ok: {line}")
    return 0


def check_desktop_parts(lines: list[ReceiptLine]) -> list[str]:
    """Load Qt widgets, the style sheet, the translations, the font, the printer encoders and the keyring."""
    import os
    from zoneinfo import ZoneInfo

    if not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # a check, not a window: no display needed
    import keyring
    from PySide6.QtGui import QFontMetrics
    from PySide6.QtWidgets import QApplication, QPushButton

    from posapp.devices.escpos import encode_escpos, encode_escpos_raster
    from posapp.ui.fonts import apply_ui_font
    from posapp.ui.i18n import current_language, set_language, tr

    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    font = apply_ui_font(app)
    if not QFontMetrics(font).inFontUcs4(ord("鮭")):
        raise RuntimeError(f"the font {font.family()} has no Japanese glyphs")
    app.setStyleSheet(STYLE_SHEET.read_text(encoding="utf-8"))
    language = current_language()
    set_language("en")
    english = QPushButton(tr("合計")).text()
    set_language(language)
    if english == "合計":
        raise RuntimeError("the English translations did not load")
    kanji, raster = encode_escpos(lines), encode_escpos_raster(lines)
    tokyo = datetime(2026, 1, 1, tzinfo=ZoneInfo("Asia/Tokyo")).utcoffset()
    backend = type(keyring.get_keyring()).__module__
    if backend.startswith("keyring.backends.fail"):
        raise RuntimeError("no keyring backend at all (a bundle without keyring's entry points)")
    return [
        f"Qt {qt_version()} {app.platformName()}, font {font.family()}",
        f"style sheet {len(app.styleSheet())} characters, English 合計 = {english}",
        f"printer {len(kanji):,} bytes (Kanji), {len(raster):,} bytes (raster)",
        f"time zone Asia/Tokyo UTC+{tokyo}",
        f"keyring {backend}",
    ]


def qt_version() -> str:
    """The Qt library's version (not PySide6's)."""
    from PySide6.QtCore import qVersion

    return qVersion()


def pair_with_server(terminal: Terminal, url: str, code: str) -> None:
    """Pair with the central server (the register number comes from the server) and start syncing."""
    terminal.pair_with_server(server_url=url, pairing_code=code, device_name=platform.node() or "OmniPOS")


def _start_logging(log_dir: Path | None) -> None:
    """Log to a file from the first line, so a start that fails leaves its reason behind."""
    import logging

    from posapp.logfile import start_log_file

    log_file = start_log_file(log_dir)
    logging.getLogger("posapp").info("OmniPOS %s starting, log %s", software_version(), log_file)


def _screenshot_and_quit(app: QApplication, window: QWidget, target: Path) -> None:
    """Save the window to ``target`` once it has drawn (a second after the start), then quit."""
    from PySide6.QtCore import QTimer

    def save_and_quit() -> None:
        window.grab().save(str(target))
        app.quit()

    QTimer.singleShot(1_000, save_and_quit)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the window (or the self-check) and return the exit code."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.self_check:
        return self_check()
    if args.backup is not None or args.restore is not None:
        return backup_or_restore(args)

    import logging

    from posapp.services.reset import apply_pending_reset

    _start_logging(args.log_dir)

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from posapp.services.demo import seed_demo
    from posapp.ui.fonts import apply_ui_font
    from posapp.ui.i18n import set_language
    from posapp.ui.main_window import MainWindow
    from posapp.ui.preferences import load_preferences

    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    apply_ui_font(app)
    if STYLE_SHEET.exists():
        app.setStyleSheet(STYLE_SHEET.read_text(encoding="utf-8"))
    data_dir = args.data_dir or (
        Path(tempfile.gettempdir()) / "omnipos-demo" if args.demo else default_data_dir()
    )
    set_language(args.lang or load_preferences(data_dir).language)
    moved = apply_pending_reset(data_dir)
    if moved is not None:
        logging.getLogger("posapp").warning("reset by a manager: the old database is in %s", moved)
    terminal = Terminal.open(data_dir)
    if args.demo and not terminal.settings.store_code:
        seed_demo(terminal)
    window = MainWindow(
        terminal,
        data_dir=data_dir,
        pair=pair_with_server,
        demo=seed_demo if args.demo else None,
        server_url=args.server,
        demo_hint=args.demo,
    )
    window.resize(1366, 768)
    window.show()
    QTimer.singleShot(0, window.connect_in_background)  # after the first frame: selling never waits for sync
    if args.screenshot is not None:
        _screenshot_and_quit(app, window, args.screenshot)
    try:
        return app.exec()
    finally:
        terminal.close()
