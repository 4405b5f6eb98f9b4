"""posapp.domain must stay pure: no Qt, no SQL, no HTTP, imported by both the terminal and the server."""

from __future__ import annotations

import ast
import pathlib

DOMAIN = pathlib.Path(__file__).resolve().parents[2] / "posapp" / "domain"
FORBIDDEN = (
    "PySide6",
    "shiboken6",
    "sqlalchemy",
    "requests",
    "httpx",
    "fastapi",
    "sqlite3",
    "socket",
    "sync",
    "posapp.store",
    "posapp.services",
    "posapp.ui",
    "posapp.devices",
)


def imported_modules(path: pathlib.Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_domain_imports_nothing_impure() -> None:
    files = sorted(DOMAIN.glob("*.py"))
    assert len(files) >= 8
    offenders = {
        f"{path.name}: {name}"
        for path in files
        for name in imported_modules(path)
        if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN)
    }
    assert offenders == set()


def test_the_checker_itself_catches_a_forbidden_import(tmp_path: pathlib.Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from PySide6.QtCore import QObject\nimport sqlalchemy.orm\n", encoding="utf-8")
    assert imported_modules(bad) == {"PySide6.QtCore", "sqlalchemy.orm"}
