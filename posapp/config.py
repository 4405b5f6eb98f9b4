"""This computer's settings for the terminal, declared once: name, environment variable, type, default,
description. The only module of the terminal that reads the environment.

The store's settings (tax rounding, points, receipt texts, timeouts) are not here: they come from the
server's feed and a manager's changes, and live in the terminal's database
(``posapp.store.settings.TerminalSettings``). What is here belongs to this PC: where the data folder
is, the window's language (``ui.toml`` in the data folder; the environment overrides it) and which
keyring keeps the device token. ``docs/deploy.md`` lists them (a test keeps the list complete).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

import platformdirs

UI_FILE = "ui.toml"
"""The window's preferences beside the database (written by ``posapp.ui.preferences``)."""


@dataclass(frozen=True, slots=True)
class LocalSetting:
    """One setting of this PC: ``env`` overrides the ``ui.toml`` key (when it has one) and the default."""

    name: str
    env: str
    default: str
    description: str
    choices: tuple[str, ...] = ()
    in_ui_file: bool = False

    def read(self, data_dir: Path | None = None) -> str:
        """The value: environment, else ``ui.toml`` (when in it), else the default; an unknown choice
        counts as unset."""
        value = os.environ.get(self.env, "").strip()
        if self.choices:
            value = value.lower()
        if self._allowed(value):
            return value
        if self.in_ui_file and data_dir is not None:
            stored = _ui_file(data_dir).get(self.name)
            if isinstance(stored, str) and self._allowed(stored):
                return stored
        return self.default

    def _allowed(self, value: str) -> bool:
        return bool(value) and (not self.choices or value in self.choices)


DATA_DIR = LocalSetting(
    "data_dir",
    "POSAPP_HOME",
    default=platformdirs.user_data_dir("OmniPOS", "OmniPOS"),
    description="the terminal's data folder: database, ui.toml, logs, the demo keyring file",
)
LANGUAGE = LocalSetting(
    "language",
    "POSAPP_LANG",
    default="ja",
    choices=("ja", "en"),
    in_ui_file=True,
    description="the window's language (every label, message and dialog); the receipt's is a store setting",
)
KEYRING = LocalSetting(
    "keyring",
    "POSAPP_KEYRING",
    default="system",
    choices=("system", "file"),
    description="where the device token is kept: the OS keyring, or `file` (a plain file, demos only)",
)
LOCAL_SETTINGS = (DATA_DIR, LANGUAGE, KEYRING)


def default_data_dir() -> Path:
    """``$POSAPP_HOME`` if set, else the platform's per-user data directory."""
    return Path(DATA_DIR.read())


def window_language(data_dir: Path) -> str:
    """``ja`` or ``en``: ``$POSAPP_LANG``, else ``ui.toml``, else Japanese."""
    return LANGUAGE.read(data_dir)


def plain_file_keyring() -> bool:
    """True when the device token is to be kept in a plain file (``POSAPP_KEYRING=file``, demos)."""
    return KEYRING.read() == "file"


def _ui_file(data_dir: Path) -> dict[str, object]:
    path = data_dir / UI_FILE
    try:
        return tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    except (OSError, tomllib.TOMLDecodeError):
        return {}
