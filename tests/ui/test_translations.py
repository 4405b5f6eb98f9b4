"""The English catalogue is kept with Qt's own tools: ``pyside6-lupdate`` sees every string the code
translates, finds each one already translated, and the window shows what the catalogue says."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QTranslator
from pytestqt.qtbot import QtBot

from posapp.ui.i18n import TRANSLATIONS_DIR, set_language, tr
from posapp.ui.sale_view import SalePage

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = TRANSLATIONS_DIR / "posapp_en.ts"


def qt_tool(name: str) -> str:
    """A PySide6 tool from the venv running the tests (PATH may not hold it)."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    assert found, f"{name} is installed with PySide6"
    return found


def posapp_sources() -> list[str]:
    return sorted(str(path) for path in (ROOT / "posapp").rglob("*.py"))


def messages(ts: Path) -> dict[str, str | None]:
    """Source text → the translation's ``type`` (``None`` when finished)."""
    root = ElementTree.parse(ts).getroot()
    return {
        message.findtext("source") or "": message.find("translation").get("type")  # type: ignore[union-attr]
        for message in root.iter("message")
    }


def test_lupdate_finds_every_translated_string_and_nothing_new_or_vanished(tmp_path: Path) -> None:
    copy = tmp_path / CATALOGUE.name
    shutil.copy(CATALOGUE, copy)
    run = subprocess.run(
        [qt_tool("pyside6-lupdate"), "-locations", "none", *posapp_sources(), "-ts", str(copy)],
        capture_output=True,
        text=True,
        check=True,
    )
    before, after = messages(CATALOGUE), messages(copy)
    untranslated = sorted(source for source, kind in after.items() if kind == "unfinished")
    vanished = sorted(source for source, kind in after.items() if kind in ("obsolete", "vanished"))
    assert untranslated == [], (
        f"strings the code translates but the catalogue lacks (run `make lupdate`):\n{run.stdout}"
    )
    assert vanished == [], f"catalogue entries no code uses any more (run `make lupdate`):\n{run.stdout}"
    assert after.keys() == before.keys() and all(kind is None for kind in before.values())
    assert "(0 new and" in run.stdout
    assert len(before) > 400, "the dict-held messages and labels are found too, not only literal tr() calls"


def test_no_tr_call_hides_inside_an_f_string_where_lupdate_cannot_see_it() -> None:
    hidden = [
        f"{Path(source).relative_to(ROOT)}:{call.lineno}"
        for source in posapp_sources()
        for node in ast.walk(ast.parse(Path(source).read_text(encoding="utf-8")))
        if isinstance(node, ast.JoinedStr)
        for call in ast.walk(node)
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "tr"
        if call.args
        and isinstance(call.args[0], ast.Constant)  # tr(a variable) is marked where it is written
    ]
    assert hidden == [], "concatenate instead: tr('…') + f' {value}'"


@pytest.mark.usefixtures("qapp")
def test_the_compiled_catalogue_translates_under_the_context_lupdate_uses(tmp_path: Path) -> None:
    compiled = tmp_path / "posapp_en.qm"
    subprocess.run(
        [qt_tool("pyside6-lrelease"), str(CATALOGUE), "-qm", str(compiled)], check=True, capture_output=True
    )
    translator = QTranslator()
    assert translator.load(str(compiled))
    QCoreApplication.installTranslator(translator)
    try:
        assert tr("会計") == "Pay"
        assert (
            tr("お預りが足りません。残りの金額を入力してください。")
            == "Not enough tendered. Enter the remaining amount."
        )
    finally:
        QCoreApplication.removeTranslator(translator)
    assert tr("会計") == "会計"


def test_the_window_shows_japanese_and_then_the_catalogues_english(qtbot: QtBot, page: SalePage) -> None:
    header = page.model.headerData(1, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
    assert header == "商品名"
    assert page.keys.buttons["pay"].text() == "F10\n会計"
    assert page.keys.buttons["suspend"].text() == "F5\n保留"
    set_language("en")
    try:
        qtbot.waitUntil(lambda: page.keys.buttons["pay"].text() == "F10\nPay")
        assert page.keys.buttons["suspend"].text() == "F5\nSuspend"
        assert page.model.headerData(1, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) == "Item"
    finally:
        set_language("ja")
    qtbot.waitUntil(lambda: page.keys.buttons["pay"].text() == "F10\n会計")
