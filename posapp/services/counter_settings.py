"""The settings a manager changes at the counter: typed, validated before anything is stored,
and audited with the old and new value and who approved it.

Pairing and the server's feed set the terminal's identity and the store's data (``Terminal.configure``
is that low-level setter); a person changes these through :func:`change_settings` only.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from posapp.devices.layout import display_width
from posapp.devices.render import DEFAULT_WIDTH
from posapp.domain.errors import DomainError
from posapp.domain.tax import Rounding
from posapp.services.errors import ApprovalRequired
from posapp.services.records import audit
from posapp.store.settings import TerminalSettings, save_settings

if TYPE_CHECKING:
    from posapp.services.counter import Approval, Counter

LANGUAGES = ("ja", "en")
MAX_POINTS_CAP = 1_000_000
MAX_FOOTER_LINES = 5
MAX_FOOTER_WIDTH = DEFAULT_WIDTH
_DEFAULT_SETTINGS = TerminalSettings()
_MISSING = object()
"""Columns of an 80 mm receipt, measured as the printer does (``display_width``: a full-width or
ambiguous character such as ※ takes two)."""


class InvalidSetting(DomainError):
    """A setting's value is out of range or of the wrong kind; ``setting`` names which one."""

    message_key = "error.setting.invalid"

    def __init__(self, setting: str, detail: str, *, value: Any = None) -> None:
        super().__init__(detail, value=value, setting=setting)
        self.setting = setting
        self.message_key = f"error.setting.{setting}"


@dataclass(frozen=True, slots=True)
class SettingsChange:
    """What to change; a field left ``None`` stays as it is."""

    language: str | None = None
    """Receipt and display language of this terminal: ``ja`` or ``en``."""
    tax_rounding: Rounding | None = None
    """How the one tax figure per rate is rounded."""
    offline_points_cap: int | None = None
    """Points a member may use while the server cannot confirm the balance (0 … 1,000,000)."""
    approval_discount_percent: int | None = None
    """A line discount above this percentage needs a manager (0 … 100)."""
    footer_messages: tuple[str, ...] | None = None
    """Lines printed at the foot of every receipt (up to 5, each up to 42 columns)."""

    def values(self) -> dict[str, Any]:
        """The fields that are set, checked and normalised."""
        return {
            f.name: _check(f.name, getattr(self, f.name))
            for f in fields(self)
            if getattr(self, f.name) is not None
        }


def _whole_number(name: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidSetting(name, f"{name} must be a whole number {low}..{high}", value=value)
    return value


def _check(name: str, value: object) -> object:
    if name == "language":
        if value not in LANGUAGES:
            raise InvalidSetting(name, f"language must be one of {LANGUAGES}", value=value)
        return value
    if name == "tax_rounding":
        if isinstance(value, str) and value in {r.value for r in Rounding}:
            return Rounding(value).value
        raise InvalidSetting(name, "unknown tax rounding", value=value)
    if name == "offline_points_cap":
        return _whole_number(name, value, 0, MAX_POINTS_CAP)
    if name == "approval_discount_percent":
        return _whole_number(name, value, 0, 100)
    if name == "footer_messages":
        if isinstance(value, str) or not isinstance(value, tuple | list):
            raise InvalidSetting(name, "footer messages are a list of lines", value=value)
        lines = tuple(value)
        if len(lines) > MAX_FOOTER_LINES or not all(
            isinstance(line, str)
            and line.strip() == line
            and line
            and display_width(line) <= MAX_FOOTER_WIDTH
            and all(unicodedata.category(c)[0] != "C" for c in line)
            for line in lines
        ):
            raise InvalidSetting(
                name, f"up to {MAX_FOOTER_LINES} lines of 1..{MAX_FOOTER_WIDTH} columns", value=value
            )
        return lines
    raise InvalidSetting(name, f"{name} cannot be changed here", value=value)  # pragma: no cover


def configure(counter: Counter, **changes: object) -> TerminalSettings:
    """Set the terminal's identity and devices (pairing, demo, tests): known keys of the declared type
    only, not audited; the settings read back."""
    for key, value in changes.items():
        default = getattr(_DEFAULT_SETTINGS, key, _MISSING)
        if default is _MISSING:
            raise KeyError(f"unknown setting {key!r}")
        if type(value) is not type(default):
            raise TypeError(f"setting {key!r} is a {type(default).__name__}, not {type(value).__name__}")
    with counter.db.write() as session:
        save_settings(session, **changes)
    return counter.reload_settings()


def change_settings(
    counter: Counter, change: SettingsChange, *, approval: Approval | None = None
) -> TerminalSettings:
    """Validate every value first, then store them and one audit row in one transaction.

    A manager signed in, or a manager's approval, is needed. Nothing is stored when a value is
    refused; a change to the same value is not recorded.
    """
    clerk = counter.require_clerk()
    if approval is None and not clerk.is_manager:
        raise ApprovalRequired("changing settings needs a manager")
    values = change.values()
    current = counter.settings
    changed = {key: value for key, value in values.items() if getattr(current, key) != value}
    if not changed:
        return current
    now = counter.now()
    with counter.db.write() as session:
        save_settings(session, **changed)
        audit(
            session,
            now=now,
            clerk_code=clerk.code,
            action="settings_changed",
            approved_by=approval.manager_code if approval else None,
            changes={key: [_plain(getattr(current, key)), _plain(value)] for key, value in changed.items()},
        )
    return counter.reload_settings()


def _plain(value: object) -> object:
    return list(value) if isinstance(value, tuple) else value
