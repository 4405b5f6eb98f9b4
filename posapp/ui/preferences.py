"""The window's own preferences (language), declared once, kept in ``ui.toml`` beside the database.

Store settings (points cap, receipt texts) live in the terminal's settings table; only what is a
matter of this screen lives here. ``POSAPP_LANG`` overrides the file.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

FILE_NAME = "ui.toml"


@dataclass(frozen=True, slots=True)
class UiPreferences:
    """Preferences of the window."""

    language: str = "ja"
    """``ja`` (default) or ``en``: every label, message and dialog."""


def load_preferences(data_dir: Path) -> UiPreferences:
    """The saved preferences, defaults for anything missing or unreadable."""
    prefs = UiPreferences()
    path = data_dir / FILE_NAME
    if path.exists():
        try:
            values = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError):
            values = {}
        if values.get("language") in ("ja", "en"):
            prefs = replace(prefs, language=values["language"])
    override = os.environ.get("POSAPP_LANG")
    if override in ("ja", "en"):
        prefs = replace(prefs, language=override)
    return prefs


def save_preferences(data_dir: Path, prefs: UiPreferences) -> None:
    """Write the preferences (flat keys, so plain TOML needs no library)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / FILE_NAME).write_text(f'language = "{prefs.language}"\n', encoding="utf-8")
