"""The Dockerfile and compose.yaml name only settings, commands and packages the code has.

There is no Docker daemon on the CI machine, so the image is not built here (docs/deploy.md says how
its steps were run); these checks keep the files from drifting away from the server they package.
"""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path

from sync.server.cli import build_parser
from sync.server.config import Settings

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
COMPOSE = (ROOT / "compose.yaml").read_text(encoding="utf-8")
ENV_EXAMPLE = (ROOT / "deploy" / "compose.env.example").read_text(encoding="utf-8")


def test_every_posapp_variable_is_a_setting() -> None:
    named = set(re.findall(r"\bPOSAPP_([A-Z_]+)", DOCKERFILE + COMPOSE))
    assert {"DATABASE_URL", "HOST", "PORT", "DATA_DIR", "WORKERS"} <= named
    assert {name.lower() for name in named} <= set(Settings.model_fields)


def test_the_image_runs_commands_the_cli_has() -> None:
    [cmd] = re.findall(r"^CMD \[(.*)\]$", DOCKERFILE, flags=re.MULTILINE)
    shell_line = [part.strip().strip('"') for part in cmd.split(", ")][-1]
    commands = [shlex.split(step)[-1] for step in re.split(r"&&", shell_line)]
    assert commands == ["migrate", "run"]
    parser = build_parser()
    for command in commands:
        parser.parse_args([command])  # SystemExit here if the CLI lost the command


def test_the_image_copies_every_package_the_wheel_holds() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    packages = {
        pattern.rstrip("*") for pattern in project["tool"]["setuptools"]["packages"]["find"]["include"]
    }
    copied = set(re.findall(r"^COPY (\w+) \./\1$", DOCKERFILE, flags=re.MULTILINE))
    assert packages == copied
    assert "-c constraints.txt '.[server]'" in DOCKERFILE


def test_compose_takes_its_secret_from_the_env_file_and_listens_on_loopback() -> None:
    assert "POSTGRES_PASSWORD: ${OMNIPOS_DB_PASSWORD:?" in COMPOSE
    assert re.search(r'- "127\.0\.0\.1:8765:8765"', COMPOSE)
    used = set(re.findall(r"\$\{(OMNIPOS_[A-Z_]+)", COMPOSE))
    documented = set(re.findall(r"^(OMNIPOS_[A-Z_]+)=", ENV_EXAMPLE, flags=re.MULTILINE))
    assert used == documented
    assert ".env" in (ROOT / ".gitignore").read_text(encoding="utf-8").split()
