"""The bundled Japanese font: receipts, the window and the chart draw Japanese with no system font.

``tests/conftest.py`` hides the machine's fonts for the whole suite; the first test proves it does, so the
others (and ``tests/devices/test_image.py``) would fail on a machine without fonts-noto-cjk if OmniPOS
relied on one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from posapp.devices.image import load_font, render_image
from posapp.devices.layout import ReceiptLine
from posapp.resources import FONT_DIR, FONT_FAMILY, font_file
from scripts.subset_font import cp932_characters


def test_the_suite_sees_no_system_font() -> None:
    config = Path(os.environ["FONTCONFIG_FILE"]).read_text(encoding="utf-8")
    assert config.count("<dir") == 1 and f"<dir>{FONT_DIR}</dir>" in config
    if shutil.which("fc-list"):
        listed = subprocess.run(
            ["fc-list", "--format", "%{file}\\n"], capture_output=True, text=True, check=True
        )
        assert {Path(line).parent for line in listed.stdout.split()} == {FONT_DIR}


@pytest.mark.parametrize("bold", [False, True])
def test_font_holds_every_character_a_receipt_can_print(bold: bool) -> None:
    cmap = TTFont(font_file(bold=bold))["cmap"].getBestCmap()
    assert not [c for c in cp932_characters() if ord(c) not in cmap]
    assert (FONT_DIR / "OFL.txt").read_text(encoding="utf-8").count("SIL OPEN FONT LICENSE Version 1.1") == 1


def test_receipt_japanese_is_drawn_not_boxed() -> None:
    font = load_font()
    assert Path(str(getattr(font, "path", ""))).parent == FONT_DIR
    # A box (.notdef) is the same for every missing character; real glyphs differ from each other.
    first, second = (render_image([ReceiptLine(text)], margin=0) for text in ("鮭おにぎり", "緑茶￥"))
    assert first.tobytes() != second.tobytes()
    assert font.getbbox("鮭")[2] > 12 and font.getbbox("¥")[2] <= 12  # kanji full width, yen half width


def test_window_uses_the_bundled_font_and_self_check_loads_every_part(tmp_path: Path) -> None:
    """``posapp --self-check`` (what ``make dist`` runs on the bundle) with no font at all and no display:
    the terminal registers its own font with Qt."""
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    no_fonts = tmp_path / "fonts.conf"
    no_fonts.write_text(f"<fontconfig><cachedir>{tmp_path}</cachedir></fontconfig>", encoding="utf-8")
    env["FONTCONFIG_FILE"] = str(no_fonts)
    done = subprocess.run(
        [sys.executable, "-m", "posapp", "--self-check"], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert f"font {FONT_FAMILY}" in done.stdout
    assert "English 合計 = TOTAL" in done.stdout and "Asia/Tokyo UTC+9:00:00" in done.stdout
