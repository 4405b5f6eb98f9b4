"""``posapp-server``: run the API, migrate, issue and revoke HQ tokens and channel keys, create HQ
console users, load demo data, import products."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sync.server.config import Settings, default_config_file, load_settings

ADMIN_TOKEN_FILE = "admin-token"


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(
        database_url=getattr(args, "database", None),
        host=getattr(args, "host", None),
        port=getattr(args, "port", None),
        workers=getattr(args, "workers", None),
        log_level=getattr(args, "log_level", None),
        data_dir=getattr(args, "data_dir", None),
    )


def _session_factory(settings: Settings):  # type: ignore[no-untyped-def]
    from sync.server.db.migrate import upgrade
    from sync.server.db.session import make_engine, make_session_factory

    engine = make_engine(settings.resolved_database_url, pool_size=2)
    upgrade(engine)
    return make_session_factory(engine)


def cmd_run(args: argparse.Namespace) -> int:
    """Serve the API with uvicorn (SQLite is migrated on start)."""
    import uvicorn

    from sync.server.logs import configure_logging, log_config

    settings = _settings(args)
    configure_logging(settings.log_level)
    # Workers are separate processes: they read the settings from the environment.
    os.environ["POSAPP_DATABASE_URL"] = settings.resolved_database_url
    os.environ["POSAPP_LOG_LEVEL"] = settings.log_level
    os.environ["POSAPP_DATA_DIR"] = str(settings.data_dir)
    if settings.is_sqlite:
        _session_factory(settings)
    uvicorn.run(
        "sync.server.app:create_app_from_env",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        # Applied by uvicorn in every worker process as it starts (JSON lines, no colours).
        log_config=log_config(settings.log_level),
        access_log=False,  # the app logs each request itself, with its request id and duration
        # Terminals call every few seconds; a 5 s default makes requests race the server's close.
        timeout_keep_alive=75,
    )
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    """Upgrade the database to the newest schema."""
    settings = _settings(args)
    _session_factory(settings)
    print(json.dumps({"migrated": settings.resolved_database_url.split("@")[-1]}))
    return 0


def cmd_admin_token(args: argparse.Namespace) -> int:
    """Create a new HQ token and print it; ``--save`` also writes it to a 0600 file for the demo."""
    from sync.server.auth import service as auth_service

    settings = _settings(args)
    token_file = settings.data_dir / ADMIN_TOKEN_FILE
    if args.show:
        if not token_file.exists():
            print("no saved admin token; run `posapp-server admin-token --save`", file=sys.stderr)
            return 1
        print(token_file.read_text().strip())
        return 0
    with _session_factory(settings)() as session:
        row, token = auth_service.issue_admin_token(session, label=args.label)
        session.commit()
        token_id = row.id
    if args.save:
        token_file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(token_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(token + "\n")
        os.chmod(token_file, 0o600)
    # stdout stays the bare token (scripts read it); the id, needed to revoke it, goes to stderr.
    print(
        f"admin token id {token_id} (revoke with `posapp-server revoke-admin-token {token_id}`)",
        file=sys.stderr,
    )
    print(token)
    return 0


def cmd_demo_data(args: argparse.Namespace) -> int:
    """Load the demo stores, products, members and history into an empty database."""
    from dataclasses import asdict

    from sync.server.demo.generator import load_demo_data

    with _session_factory(_settings(args))() as session:
        summary = load_demo_data(session, seed=args.seed, products=args.products, members=args.members)
        session.commit()
    print(json.dumps(asdict(summary)))
    return 0


def cmd_import_products(args: argparse.Namespace) -> int:
    """Import a product CSV (UTF-8 or cp932); one bad row and nothing is imported."""
    from sync.server.products import service
    from sync.server.products.csv_import import parse_products_csv

    products, errors = parse_products_csv(Path(args.file).read_bytes())
    if errors:
        print(
            json.dumps(
                {"created": 0, "updated": 0, "errors": [e.model_dump() for e in errors]}, ensure_ascii=False
            )
        )
        return 1
    with _session_factory(_settings(args))() as session:
        created, updated = service.upsert_products(session, items=products)
        session.commit()
    print(json.dumps({"created": created, "updated": updated, "errors": []}))
    return 0


def cmd_new_epoch(args: argparse.Namespace) -> int:
    """Start a new epoch after a restore: every terminal resyncs and offers its events again."""
    from sync.server.changes import service as changes_service

    with _session_factory(_settings(args))() as session:
        epoch = changes_service.start_new_epoch(session)
        session.commit()
    print(json.dumps({"epoch": epoch}))
    return 0


def cmd_revoke_admin_token(args: argparse.Namespace) -> int:
    """Revoke an HQ token by id (idempotent); it gets 401 from then on."""
    from sync.server.auth import service as auth_service
    from sync.server.problems import NotFound

    with _session_factory(_settings(args))() as session:
        try:
            row = auth_service.revoke_admin_token(session, args.id)
        except NotFound as exc:
            print(exc.detail, file=sys.stderr)
            return 1
        session.commit()
        print(json.dumps({"admin_token_id": row.id, "revoked_at": _iso(row.revoked_at)}))
    return 0


def cmd_revoke_channel(args: argparse.Namespace) -> int:
    """Revoke a channel's API key by id (idempotent); the shop gets 401 from then on."""
    from sync.server.auth import service as auth_service
    from sync.server.problems import NotFound

    with _session_factory(_settings(args))() as session:
        try:
            row = auth_service.revoke_channel(session, args.id)
        except NotFound as exc:
            print(exc.detail, file=sys.stderr)
            return 1
        session.commit()
        print(json.dumps({"channel_id": row.id, "name": row.name, "revoked_at": _iso(row.revoked_at)}))
    return 0


def cmd_create_user(args: argparse.Namespace) -> int:
    """Create an HQ console user (the first admin, typically); the password is read without echo."""
    import getpass

    from sync.server.hq import audit, users
    from sync.server.problems import ProblemError

    password = os.environ.get("POSAPP_HQ_PASSWORD") if args.password_from_env else None
    if password is None:
        password = getpass.getpass("password: ")
        if password != getpass.getpass("again: "):
            print("the two passwords differ", file=sys.stderr)
            return 1
    with _session_factory(_settings(args))() as session:
        try:
            user = users.create_user(
                session, username=args.username, password=password, role=args.role,
                display_name=args.name or "", store_codes=args.store or [], language=args.language,
            )  # fmt: skip
        except ProblemError as exc:
            print(exc.detail, file=sys.stderr)
            return 1
        audit.record(session, user_id=user.id, username=user.username, action="user.create",
                     target=user.username, detail={"role": user.role, "via": "cli"})  # fmt: skip
        session.commit()
        print(json.dumps({"user": user.username, "role": user.role, "stores": sorted(args.store or [])}))
    return 0


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _setting_default(name: str) -> str:
    if name == "database_url":
        return "an SQLite file in the data directory"
    return str(Settings.model_fields[name].get_default(call_default_factory=True))


def _setting_help(name: str) -> str:
    """A flag's help from its setting: what it is, its environment variable and its default."""
    field = Settings.model_fields[name]
    return f"{field.description} (env POSAPP_{name.upper()}; default: {_setting_default(name)})"


def settings_epilog() -> str:
    """Where settings come from, and every environment variable with its default."""
    lines = [
        "Settings: a flag beats the environment, which beats the TOML file",
        f"  {default_config_file()}",
        "  (POSAPP_CONFIG names another file; a service uses /etc/omnipos/server.toml, docs/deploy.md).",
        "  The TOML keys are the variable names without POSAPP_, in lower case (port = 8765).",
        "",
        "Environment variables:",
    ]
    lines += [
        f"  POSAPP_{name.upper():<26} {field.description} (default: {_setting_default(name)})"
        for name, field in Settings.model_fields.items()
    ]
    lines.append("  POSAPP_CONFIG                     the TOML settings file")
    lines.append(
        "  FORWARDED_ALLOW_IPS               proxies trusted for X-Forwarded-For (uvicorn; default 127.0.0.1)"
    )
    return "\n".join(lines)


def import_products_epilog() -> str:
    """The CSV the command reads, column by column."""
    from sync.server.products.csv_import import MAX_ROWS, OPTIONAL_COLUMNS, REQUIRED_COLUMNS

    return "\n".join(
        [
            "The file: CSV with a header row, UTF-8 (a BOM is fine) or cp932 as Excel saves it.",
            f"Required columns: {', '.join(REQUIRED_COLUMNS)}",
            f"Optional columns: {', '.join(OPTIONAL_COLUMNS)}",
            "  sku        your product code, unique in the file",
            "  name       the name on the receipt",
            '  price      tax-inclusive yen: 150, or "¥1,280" in quotes',
            "  tax_class  standard (10%) or reduced (8%, food and drink)",
            "  jan        the JAN barcode (13 or 8 digits, check digit included)",
            "  name_kana  the reading in katakana (search)",
            "  category   free text",
            "  active     true/false, yes/no, 1/0, 有効/無効 (default: true)",
            f"Up to {MAX_ROWS:,} rows; one bad row and nothing is imported (every error is printed).",
            "Example:",
            "  sku,jan,name,name_kana,price,tax_class",
            "  A001,4901234567894,鮭おにぎり,サケオニギリ,150,reduced",
        ]
    )


Handler = Callable[[argparse.Namespace], int]


def _add_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    handler: Handler,
    help_text: str,
    epilog: str | None,
) -> argparse.ArgumentParser:
    """One sub-command; every one takes --database and lists the settings in its help."""
    sub = commands.add_parser(
        name,
        help=help_text,
        description=help_text,
        epilog=epilog if epilog is not None else settings_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub.add_argument("--database", metavar="URL", help=_setting_help("database_url"))
    sub.set_defaults(handler=handler)
    return sub


def _add_create_user(command: Callable[[str, Handler, str], argparse.ArgumentParser]) -> None:
    user = command("create-user", cmd_create_user, "create an HQ console user (e.g. the first admin)")
    user.add_argument("username", help="2–32 lower-case letters, digits, '.', '_' or '-'")
    user.add_argument("--role", choices=["admin", "manager", "auditor"], default="admin")
    user.add_argument("--name", help="the name shown in the console")
    user.add_argument("--store", action="append", help="a store a manager runs (repeat for several)")
    user.add_argument("--language", choices=["ja", "en"], default="ja")
    user.add_argument(
        "--password-from-env", action="store_true", help="read the password from POSAPP_HQ_PASSWORD (scripts)"
    )


def build_parser() -> argparse.ArgumentParser:
    """The command-line grammar."""
    parser = argparse.ArgumentParser(
        prog="posapp-server",
        description="OmniPOS central server",
        epilog=settings_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)

    def command(
        name: str, handler: Handler, help_text: str, epilog: str | None = None
    ) -> argparse.ArgumentParser:
        return _add_command(commands, name, handler, help_text, epilog)

    run = command("run", cmd_run, "serve the HTTP API")
    run.add_argument("--host", help=_setting_help("host"))
    run.add_argument("--port", type=int, help=_setting_help("port"))
    run.add_argument("--workers", type=int, help=_setting_help("workers"))
    run.add_argument(
        "--log-level", choices=["debug", "info", "warning", "error"], help=_setting_help("log_level")
    )
    run.add_argument("--data-dir", type=Path, metavar="DIR", help=_setting_help("data_dir"))
    command("migrate", cmd_migrate, "upgrade the database schema")
    token = command("admin-token", cmd_admin_token, "create a new HQ token (only its hash is stored)")
    token.add_argument("--label", default="cli")
    token.add_argument(
        "--save", action="store_true", help="also write it to a 0600 file in the data directory"
    )
    token.add_argument("--show", action="store_true", help="print the token saved with --save")
    demo = command("demo-data", cmd_demo_data, "load deterministic demo data into an empty database")
    demo.add_argument("--seed", type=int, default=42)
    demo.add_argument("--products", type=int, default=5000)
    demo.add_argument("--members", type=int, default=500)
    command("new-epoch", cmd_new_epoch, "after restoring a backup: make every terminal resync")
    revoke_token = command("revoke-admin-token", cmd_revoke_admin_token, "revoke an HQ token by its id")
    revoke_token.add_argument("id", type=int, help="the id printed by `admin-token`")
    revoke_channel = command("revoke-channel", cmd_revoke_channel, "revoke an online-shop channel's API key")
    revoke_channel.add_argument("id", type=int, help="the channel id (GET /v1/admin/channels)")
    _add_create_user(command)
    imports = command(
        "import-products",
        cmd_import_products,
        "import a product CSV (creates new SKUs, updates existing ones)",
        epilog=import_products_epilog(),
    )
    imports.add_argument("file", help="the CSV file (columns below)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``posapp-server``."""
    args = build_parser().parse_args(argv)
    handler = args.handler
    return int(handler(args))


if __name__ == "__main__":
    raise SystemExit(main())
