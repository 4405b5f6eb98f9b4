"""Write docs/http-api-reference.md from the server's OpenAPI document (``python -m scripts.gen_http_api``).

The reference is generated, never edited by hand; a test fails when it is out of date.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "docs" / "http-api-reference.md"


def openapi() -> dict[str, Any]:
    """The OpenAPI document of an app on a throwaway SQLite database."""
    from sync.server.app import create_app
    from sync.server.config import Settings

    with tempfile.TemporaryDirectory() as folder:
        app = create_app(Settings(database_url=f"sqlite:///{folder}/api.sqlite3", data_dir=Path(folder)))
        document = app.openapi()
        app.state.engine.dispose()
    return document


def _schema_name(content: dict[str, Any] | None) -> str:
    if not content:
        return ""
    for media in content.values():
        schema = media.get("schema", {})
        ref = schema.get("$ref") or schema.get("items", {}).get("$ref", "")
        if ref:
            name = ref.rsplit("/", 1)[-1]
            return f"`{name}[]`" if "items" in schema else f"`{name}`"
        if schema.get("title"):
            return f"`{schema['title']}`"
    return ""


def render(document: dict[str, Any]) -> str:
    """The Markdown reference: one table per tag, one row per operation."""
    by_tag: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
    for path, operations in sorted(document["paths"].items()):
        for method, operation in operations.items():
            tag = (operation.get("tags") or ["other"])[0]
            by_tag.setdefault(tag, []).append((method.upper(), path, operation))
    lines = [
        "# HTTP API reference (generated)",
        "",
        f"Generated from `/openapi.json` of OmniPOS server {document['info']['version']} by",
        "`python -m scripts.gen_http_api`; do not edit by hand. `docs/http-api.md` is the overview.",
        "Errors are `application/problem+json` (RFC 9457).",
    ]
    for tag in sorted(by_tag):
        lines += ["", f"## {tag}", "", "| method | path | what | body | answer |", "|---|---|---|---|---|"]
        for method, path, operation in by_tag[tag]:
            summary = (operation.get("summary") or "").replace("|", "\\|")
            body = _schema_name((operation.get("requestBody") or {}).get("content"))
            ok: dict[str, Any] = next(
                (r for code, r in operation.get("responses", {}).items() if code.startswith("2")), {}
            )
            lines.append(f"| {method} | `{path}` | {summary} | {body} | {_schema_name(ok.get('content'))} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    TARGET.write_text(render(openapi()), encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
