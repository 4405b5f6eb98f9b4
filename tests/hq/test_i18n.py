"""The console's two catalogs: same keys, no empty text, and every key the pages use is in them."""

from __future__ import annotations

import json
import re
from pathlib import Path

from sync.server.hq import i18n

HQ = Path(i18n.__file__).parent
# Keys built at render time from data (a role, a tax class, a history kind…) are listed by their prefix.
DYNAMIC = ("report.by_", "report.channel_", "report.group_")


def _catalog(language: str) -> dict[str, str]:
    data: dict[str, str] = json.loads((HQ / "messages" / f"{language}.json").read_text(encoding="utf-8"))
    return data


def test_japanese_and_english_have_the_same_keys_and_no_empty_text() -> None:
    ja, en = _catalog("ja"), _catalog("en")
    assert ja.keys() == en.keys()
    assert all(text.strip() for text in [*ja.values(), *en.values()])


def test_every_key_a_page_or_handler_uses_is_translated() -> None:
    used: set[str] = set()
    for path in [*HQ.rglob("*.html"), *HQ.rglob("*.py")]:
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"""\bt\(\s*['"]([a-z0-9_.]+)['"]""", text))
        used |= {f"done.{key}" for key in re.findall(r"""done=['"]([a-z0-9_]+)['"]""", text)}
    missing = sorted(
        key
        for key in used
        if key not in _catalog("ja") and not key.startswith(DYNAMIC) and not key.endswith(".")
    )
    assert not missing


def test_placeholders_match_between_languages() -> None:
    ja, en = _catalog("ja"), _catalog("en")
    for key, text in ja.items():
        assert set(re.findall(r"{(\w+)}", text)) == set(re.findall(r"{(\w+)}", en[key])), key
