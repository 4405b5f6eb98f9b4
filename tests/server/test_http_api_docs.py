"""docs/http-api-reference.md is generated from the live OpenAPI document and must match it."""

from __future__ import annotations

from scripts.gen_http_api import TARGET, openapi, render


def test_the_generated_http_reference_is_up_to_date() -> None:
    assert TARGET.read_text(encoding="utf-8") == render(openapi()), "run `python -m scripts.gen_http_api`"
