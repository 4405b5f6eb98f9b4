"""The layer rules of docs/architecture.md, checked on every import in posapp/ and sync/.

Each layer lists the project packages it may import and either the third-party packages it may use
(a short allow-list) or the ones it must not (``banned``). So: Qt (PySide6) only in ``posapp.ui`` and
``posapp.app``; no SQL in the UI, the domain, the devices or the wire protocol; the server never
imports the terminal's store, services, UI or devices; the protocol depends on nothing but the domain
and pydantic; the domain on nothing but the standard library and python-stdnum. Imports under
``TYPE_CHECKING`` and inside functions count: they are dependencies all the same.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
QT = ("PySide6", "shiboken6")
SQL = ("sqlalchemy", "sqlite3", "alembic")
HTTP_CLIENTS = ("requests", "httpx", "urllib3")
SERVER_ONLY = ("fastapi", "starlette", "uvicorn", "psycopg", "pydantic_settings")


@dataclass(frozen=True)
class Layer:
    """A package (or module) and what its code may import."""

    package: str
    may_import: tuple[str, ...]
    # None: any third-party package not in `banned`; a tuple: only these (and the standard library).
    third_party: tuple[str, ...] | None
    banned: tuple[str, ...] = ()


LAYERS = (
    Layer("posapp.domain", (), ("stdnum",), banned=("sqlite3", "socket")),
    Layer("sync.protocol", ("posapp.domain",), ("pydantic", "pydantic_core"), banned=("sqlite3", "socket")),
    # Raster printing goes through Pillow, not QtGui: the devices run without a display.
    Layer("posapp.devices", ("posapp.domain", "posapp.resources"), ("escpos", "PIL", "qrcode"), banned=SQL),
    Layer("posapp.store", ("posapp.domain", "sync.protocol", "sync.sqltypes"), ("sqlalchemy", "alembic")),
    Layer(
        "sync.client",
        ("posapp.domain", "posapp.store", "sync.protocol"),
        ("requests", "urllib3", "keyring", "keyrings", "filelock", "sqlalchemy"),
    ),
    # Use cases own their queries (dispatch style): SQL is allowed here, Qt and the UI are not. pydantic:
    # the use cases build the wire payloads (sync.protocol's models) they record in the outbox.
    Layer(
        "posapp.services",
        (
            "posapp.domain",
            "posapp.store",
            "posapp.devices",
            "sync.client",
            "sync.protocol",
            "posapp.logfile",
            "posapp.version",
            "posapp.config",
        ),
        ("sqlalchemy", "pydantic", "platformdirs", "uuid6"),
    ),
    Layer(
        "posapp.ui",
        (
            "posapp.services",
            "posapp.domain",
            "posapp.devices",
            "posapp.resources",
            "posapp.version",
            "posapp.config",
            "sync.protocol",
            "sync.client",
        ),
        None,
        banned=SQL + HTTP_CLIENTS + SERVER_ONLY,
    ),
    Layer("posapp.app", ("posapp",), None, banned=SQL + HTTP_CLIENTS + SERVER_ONLY),
    Layer("posapp.__main__", ("posapp.app",), ()),
    Layer("posapp.logfile", (), ("platformdirs",)),
    # This PC's settings (posapp/config.py): the one reader of the environment, imported by what it configures.
    Layer("posapp.config", (), ("platformdirs",)),
    Layer("posapp.version", (), ()),
    Layer("posapp.resources", (), ()),
    Layer("posapp", (), ()),
    Layer("sync", (), ()),
    # The one column type both databases declare (UTC timestamps); neither side owns it.
    Layer("sync.sqltypes", (), ("sqlalchemy",)),
    # The server shares the domain (tax, points) and the version string with the terminal, nothing else.
    Layer(
        "sync.server",
        ("posapp.domain", "posapp.version", "sync.protocol", "sync.sqltypes"),
        None,
        banned=QT + HTTP_CLIENTS,
    ),
)


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, root: Path) -> list[tuple[int, str]]:
    """Every module a file imports, with its line; relative imports resolved against the file's package."""
    package = module_name(path, root).split(".")
    if path.name != "__init__.py":
        package.pop()
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            if node.module is None and node.level:  # from . import x: x is a module of the package
                found.extend((node.lineno, f"{module}.{alias.name}") for alias in node.names)
            else:
                found.append((node.lineno, module))
    return found


def layer_of(module: str, layers: tuple[Layer, ...]) -> Layer | None:
    """The most specific layer a module belongs to."""
    owners = [layer for layer in layers if _within(module, layer.package)]
    return max(owners, key=lambda layer: len(layer.package), default=None)


def broken_rule(importer: Layer, imported: str) -> str | None:
    """Why `importer` may not import `imported`, or None when it may."""
    top = imported.split(".")[0]
    if any(_within(imported, bad) for bad in importer.banned):
        return "banned"
    if top in ("posapp", "sync"):
        if _within(imported, importer.package) or any(_within(imported, ok) for ok in importer.may_import):
            return None
        return "not a layer it may import"
    if top == "__future__" or top in sys.stdlib_module_names:
        return None
    if importer.third_party is None or top in importer.third_party:
        return None
    return "third-party package not on its list"


def violations(root: Path, layers: tuple[Layer, ...] = LAYERS) -> list[str]:
    """Every import under root/posapp and root/sync that breaks its layer's rule, as readable lines."""
    found = []
    for path in sorted([*root.glob("posapp/**/*.py"), *root.glob("sync/**/*.py")]):
        if "migrations" in path.parts:  # Alembic's generated revisions import only alembic and sqlalchemy
            continue
        module = module_name(path, root)
        layer = layer_of(module, layers)
        if layer is None or (layer.package in ("posapp", "sync") and module not in ("posapp", "sync")):
            found.append(f"{path.relative_to(root)}: belongs to no layer (add it to LAYERS)")
            continue
        for line, imported in imports_of(path, root):
            why = broken_rule(layer, imported)
            if why:
                found.append(f"{path.relative_to(root)}:{line}: {layer.package} imports {imported} ({why})")
    return found


def test_every_import_in_posapp_and_sync_keeps_its_layer_rule() -> None:
    assert violations(ROOT) == []


def test_qt_is_for_the_ui_and_the_app_entry_only() -> None:
    may_use_qt = {layer.package for layer in LAYERS if broken_rule(layer, "PySide6.QtGui") is None}
    assert may_use_qt == {"posapp.ui", "posapp.app"}


def test_sql_stays_out_of_the_ui_domain_devices_and_protocol() -> None:
    may_use_sql = {layer.package for layer in LAYERS if broken_rule(layer, "sqlalchemy") is None}
    assert may_use_sql == {"posapp.store", "posapp.services", "sync.client", "sync.server", "sync.sqltypes"}


def test_the_checker_reads_the_real_tree() -> None:
    """A guard against a checker that passes because it looks at nothing."""
    domain = [imported for _, imported in imports_of(ROOT / "posapp/domain/cart.py", ROOT)]
    assert any(_within(name, "posapp.domain") for name in domain)
    assert getattr(layer_of("posapp.ui.main_window", LAYERS), "package", None) == "posapp.ui"
    assert getattr(layer_of("sync.server.hq.pages", LAYERS), "package", None) == "sync.server"


PLANTED = {
    "posapp/domain/cart.py": "from decimal import Decimal\nfrom PySide6.QtCore import QObject\n",
    "posapp/domain/tax.py": "import sqlalchemy.orm\nimport stdnum.jp\n",
    "posapp/ui/window.py": "from posapp.services import Terminal\nfrom sqlalchemy import select\n",
    "posapp/ui/dialogs/history.py": "from ...store.models import Sale\n",
    "posapp/devices/raster.py": "from PySide6.QtGui import QImage\nfrom PIL import Image\n",
    "posapp/services/sale.py": "def f():\n    from posapp.ui.main_window import MainWindow\n",
    "sync/server/ingest.py": "from posapp.domain.tax import tax\nfrom posapp.store import Database\n",
    "sync/protocol/events.py": "import pydantic\nfrom sync.client.agent import Agent\n",
    "sync/newthing.py": "",
}


@pytest.fixture
def planted_tree(tmp_path: Path) -> Path:
    for relative, source in PLANTED.items():
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    return tmp_path


def test_the_checker_fails_on_a_planted_violation_of_each_rule(planted_tree: Path) -> None:
    assert violations(planted_tree) == [
        "posapp/devices/raster.py:1: posapp.devices imports PySide6.QtGui (third-party package not on its list)",
        "posapp/domain/cart.py:2: posapp.domain imports PySide6.QtCore (third-party package not on its list)",
        "posapp/domain/tax.py:1: posapp.domain imports sqlalchemy.orm (third-party package not on its list)",
        "posapp/services/sale.py:2: posapp.services imports posapp.ui.main_window (not a layer it may import)",
        "posapp/ui/dialogs/history.py:1: posapp.ui imports posapp.store.models (not a layer it may import)",
        "posapp/ui/window.py:2: posapp.ui imports sqlalchemy (banned)",
        "sync/newthing.py: belongs to no layer (add it to LAYERS)",
        "sync/protocol/events.py:2: sync.protocol imports sync.client.agent (not a layer it may import)",
        "sync/server/ingest.py:2: sync.server imports posapp.store (not a layer it may import)",
    ]
