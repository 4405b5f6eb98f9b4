"""Reusable, bounded input types: every string has a length limit and no control characters."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from posapp.domain.money import MAX_AMOUNT


def _no_control_characters(value: str) -> str:
    if any(unicodedata.category(char) in ("Cc", "Cs") for char in value):
        raise ValueError("control characters are not allowed")
    return value


def _code(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", value):
        raise ValueError("only letters, digits, '_', '.' and '-'")
    return value


Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    AfterValidator(_no_control_characters),
]
OptionalText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=200), AfterValidator(_no_control_characters)
]
Code = Annotated[str, StringConstraints(min_length=1, max_length=16), AfterValidator(_code)]
Key = Annotated[str, StringConstraints(min_length=1, max_length=64), AfterValidator(_code)]
Yen = Annotated[int, Field(ge=0, le=MAX_AMOUNT)]
Points = Annotated[int, Field(ge=1, le=MAX_AMOUNT)]
Quantity = Annotated[int, Field(ge=1, le=999)]
Delta = Annotated[int, Field(ge=-1_000_000, le=1_000_000)]
