"""Code 39 drawn by the preview, so a receipt shown on screen or e-mailed can still be scanned."""

from __future__ import annotations

# Code 39 is systematic: ten two-of-five bar patterns repeat over four groups of characters, and
# the group decides which of the four spaces is wide. Deriving it avoids a 44-row table.
_BARS = ("10001", "01001", "11000", "00101", "10100", "01100", "00011", "10010", "01010", "00110")
_GROUPS = ("1234567890", "ABCDEFGHIJ", "KLMNOPQRST", "UVWXYZ-. *")
_WIDE_SPACE = (1, 2, 3, 0)
_SPECIAL_SPACES = {"$": "1110", "/": "1101", "+": "1011", "%": "0111"}
WIDE = 3
"""Wide elements are three modules: inside the 2:1 … 3:1 ratio the symbology allows."""


def _pattern(char: str) -> tuple[str, str] | None:
    """(bars, spaces) with 1 = wide, or ``None`` for a character Code 39 lacks."""
    if char in _SPECIAL_SPACES:
        return "00000", _SPECIAL_SPACES[char]
    for group, chars in enumerate(_GROUPS):
        index = chars.find(char)
        if index >= 0:
            spaces = ["0"] * 4
            spaces[_WIDE_SPACE[group]] = "1"
            return _BARS[index], "".join(spaces)
    return None


def code39_modules(data: str) -> list[int]:
    """Modules (1 = bar) of ``*DATA*`` with a narrow gap between characters; empty if not encodable."""
    data = data.upper()
    if not data or "*" in data:
        return []
    modules: list[int] = []
    for char in f"*{data}*":
        pattern = _pattern(char)
        if pattern is None:
            return []
        bars, spaces = pattern
        for i, bar in enumerate(bars):
            modules += [1] * (WIDE if bar == "1" else 1)
            if i < 4:
                modules += [0] * (WIDE if spaces[i] == "1" else 1)
        modules.append(0)
    return modules[:-1]
