"""The console's words in Japanese (default) and English: one JSON catalog per language, same keys.

Keys are dotted names (``stores.title``); values are ``str.format`` templates. A missing key shows
the key itself (a test keeps the catalogs complete and in step).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES = ("ja", "en")
DEFAULT = "ja"
_DIR = Path(__file__).parent / "messages"


@cache
def catalog(language: str) -> dict[str, str]:
    """The catalog of ``language`` (Japanese for anything unknown)."""
    if language not in LANGUAGES:
        language = DEFAULT
    data: dict[str, str] = json.loads((_DIR / f"{language}.json").read_text(encoding="utf-8"))
    return data


def translate(language: str, key: str, **params: Any) -> str:
    """The text of ``key`` in ``language``, with ``params`` filled in."""
    text = catalog(language).get(key)
    if text is None:
        return key
    return text.format(**params) if params else text


def pick_language(cookie: str | None) -> str:
    """The language a browser chose (cookie), else Japanese."""
    return cookie if cookie in LANGUAGES else DEFAULT
