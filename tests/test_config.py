"""This PC's settings: declared once in posapp/config.py, the only terminal module reading the
environment, each one documented in docs/deploy.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from posapp import config
from posapp.ui.preferences import UiPreferences, load_preferences, save_preferences

ROOT = Path(__file__).resolve().parent.parent
QT_OWN = {"QT_QPA_PLATFORM"}
"""Qt's own variable, set by ``posapp --self-check`` for Qt, not a setting of ours."""


def test_only_the_config_module_reads_the_environment() -> None:
    readers = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in [*(ROOT / "posapp").rglob("*.py"), *(ROOT / "sync" / "client").rglob("*.py")]
        if path != ROOT / "posapp" / "config.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\benviron\b|\bgetenv\b", line) and not any(name in line for name in QT_OWN)
    ]
    assert readers == []


def test_every_setting_is_documented_with_its_default() -> None:
    deploy = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    for setting in config.LOCAL_SETTINGS:
        row = next((line for line in deploy.splitlines() if line.startswith(f"| `{setting.env}`")), "")
        assert row, f"{setting.env} is missing from docs/deploy.md"
        if setting.choices:
            assert f"`{setting.default}`" in row


def test_the_environment_wins_over_ui_toml_which_wins_over_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("POSAPP_LANG", raising=False)
    assert load_preferences(tmp_path).language == "ja"
    save_preferences(tmp_path, UiPreferences(language="en"))
    assert load_preferences(tmp_path).language == "en"
    monkeypatch.setenv("POSAPP_LANG", "ja")
    assert load_preferences(tmp_path).language == "ja"
    monkeypatch.setenv("POSAPP_LANG", "klingon")  # not a choice: as if unset
    assert load_preferences(tmp_path).language == "en"


def test_existing_variable_names_keep_working(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSAPP_HOME", str(tmp_path / "register"))
    assert config.default_data_dir() == tmp_path / "register"
    monkeypatch.delenv("POSAPP_KEYRING", raising=False)
    assert not config.plain_file_keyring()
    monkeypatch.setenv("POSAPP_KEYRING", "FILE")
    assert config.plain_file_keyring()
