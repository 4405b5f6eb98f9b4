"""The window's own preferences (language), kept in ``ui.toml`` beside the database.

Declared (and read, with ``POSAPP_LANG`` over the file) in ``posapp.config``; this module writes the
file when the cashier switches the language. Store settings (points cap, receipt texts) live in the
terminal's settings table.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from posapp.config import LANGUAGE, UI_FILE, window_language


@dataclass(frozen=True, slots=True)
class UiPreferences:
    """Preferences of the window."""

    language: str = LANGUAGE.default
    """``ja`` (default) or ``en``: every label, message and dialog."""


def load_preferences(data_dir: Path) -> UiPreferences:
    """The saved preferences (the environment first), defaults for anything missing or unreadable."""
    return UiPreferences(language=window_language(data_dir))


def save_preferences(data_dir: Path, prefs: UiPreferences) -> None:
    """Write the preferences (flat keys, so plain TOML needs no library)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / UI_FILE).write_text(f'language = "{prefs.language}"\n', encoding="utf-8")
