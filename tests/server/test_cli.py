"""The ``posapp-server`` commands on an embedded SQLite database in a temporary data directory."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sync.server.cli import main
from sync.server.config import Settings
from sync.server.db.session import make_engine, make_session_factory
from sync.server.demo.generator import load_demo_data
from sync.server.points import service as points_service
from sync.server.points.models import PointsAccount
from sync.server.products.jan import check_jan
from sync.server.products.models import Product


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("POSAPP_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("POSAPP_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.delenv("POSAPP_DATABASE_URL", raising=False)
    return tmp_path


def test_migrate_admin_token_and_import(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["migrate"]) == 0
    assert (data_dir / "server.sqlite3").exists()
    capsys.readouterr()
    assert main(["admin-token", "--save"]) == 0
    token = capsys.readouterr().out.strip()
    assert token.startswith("adm_")
    saved = data_dir / "admin-token"
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert main(["admin-token", "--show"]) == 0
    assert capsys.readouterr().out.strip() == token
    csv = data_dir / "p.csv"
    csv.write_bytes("sku,name,price,tax_class\r\nA1,緑茶,151,reduced\r\n".encode("cp932"))
    assert main(["import-products", str(csv)]) == 0
    assert json.loads(capsys.readouterr().out)["created"] == 1
    csv.write_bytes(b"sku,name,price,tax_class\nA2,x,-1,reduced\n")
    assert main(["import-products", str(csv)]) == 1


def test_settings_come_from_toml_then_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "server.toml"
    config.write_text('port = 9000\nlog_level = "debug"\n')
    monkeypatch.setenv("POSAPP_CONFIG", str(config))
    monkeypatch.setenv("POSAPP_LOG_LEVEL", "warning")
    settings = Settings()
    assert settings.port == 9000 and settings.log_level == "warning"
    assert Settings(port=9100).port == 9100


def test_demo_data_is_deterministic_and_consistent(tmp_path: Path) -> None:
    summaries = []
    for name in ("a", "b"):
        engine = make_engine(f"sqlite:///{tmp_path / name}.sqlite3")
        from sync.server.db.migrate import upgrade

        upgrade(engine)
        with make_session_factory(engine)() as session:
            summaries.append(load_demo_data(session, seed=7, products=600, members=40))
            session.commit()
            names = list(session.scalars(select(Product.name).order_by(Product.sku).limit(50)))
            jans = list(session.scalars(select(Product.jan)))
            assert all(check_jan(jan) == jan for jan in jans if jan)
            assert session.scalar(select(func.count()).select_from(Product)) == 600
            for account in session.scalars(select(PointsAccount)):
                assert account.balance == points_service.ledger_sum(session, customer_id=account.customer_id)
        engine.dispose()
        summaries.append(names)  # type: ignore[arg-type]
    assert summaries[0] == summaries[2] and summaries[1] == summaries[3]


def test_new_epoch_makes_old_cursors_resync(tmp_path: Path) -> None:
    from sync.server.cli import main
    from sync.server.db.migrate import upgrade
    from sync.server.db.session import make_engine, make_session_factory
    from sync.server.syncfeed.feed import pull_page

    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    upgrade(make_engine(url))
    factory = make_session_factory(make_engine(url))
    with factory() as session:
        cursor = pull_page(session, cursor="", limit=10, store_code="S001").cursor
        session.commit()
    assert main(["new-epoch", "--database", url]) == 0
    with factory() as session:
        assert pull_page(session, cursor=cursor, limit=10, store_code="S001").resync
