"""The runnable example in docs/terminal-api.md runs, so the documentation stays true."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "terminal-api.md"


def test_terminal_api_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    from posapp.domain import pins

    fast_hash = pins.hash_pin
    monkeypatch.setattr(pins, "hash_pin", lambda pin: fast_hash(pin, n=2**10))  # a slow KDF is not under test
    example = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)[0]
    # The later blocks need a server: tests/sync/test_pairing_docs.py runs them.
    exec(compile(example, str(DOC), "exec"), {})
