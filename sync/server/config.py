"""Server settings, declared once: flags override environment (``POSAPP_*``), which overrides a TOML file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import platformdirs
from pydantic import Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

APP_NAME = "omnipos-server"


def default_data_dir() -> Path:
    """The platform's data directory for the server (SQLite file, demo admin token)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_config_file() -> Path:
    """``POSAPP_CONFIG`` if set, else ``server.toml`` in the platform's config directory."""
    explicit = os.environ.get("POSAPP_CONFIG")
    if explicit:
        return Path(explicit)
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "server.toml"


class Settings(BaseSettings):
    """Everything the server can be told; each field is also ``POSAPP_<NAME>`` in the environment."""

    model_config = SettingsConfigDict(env_prefix="POSAPP_", extra="ignore")

    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; empty means a SQLite file in data_dir"
    )
    data_dir: Path = Field(default_factory=default_data_dir, description="where the embedded database lives")
    host: str = Field(default="127.0.0.1", description="address to listen on")
    port: int = Field(default=8765, ge=1, le=65535, description="port to listen on")
    workers: int = Field(default=1, ge=1, le=64, description="uvicorn worker processes")
    log_level: str = Field(default="info", description="logging level")
    pairing_code_minutes: int = Field(default=10, ge=1, le=1440, description="life of a pairing code")
    points_hold_minutes: int = Field(default=15, ge=1, le=1440, description="life of a points or coupon hold")
    pool_size: int = Field(default=10, ge=1, le=200, description="PostgreSQL connection pool size")
    browsing_retention_days: int = Field(
        default=90, ge=1, le=3650, description="days online browsing events are kept"
    )
    pickup_limit_hours: int = Field(
        default=72, ge=1, le=24 * 60, description="hours before an uncollected pickup is overdue"
    )
    migrate_on_start: bool = Field(default=True, description="upgrade an SQLite database when the app starts")
    feed_member_days: int = Field(
        default=90, ge=1, le=3650,
        description="a store's feed carries members of that home store or who shopped there within these days",
    )  # fmt: skip
    max_body_bytes: int = Field(
        default=32 * 1024 * 1024,
        ge=1024,
        description="largest request body as sent (a product CSV is ≤ 20 MB)",
    )
    max_inflated_bytes: int = Field(
        default=16 * 1024 * 1024, ge=1024, description="largest request body after gzip is undone"
    )
    max_json_values: int = Field(default=1_000_000, ge=1000, description="most values in a JSON request body")
    body_timeout_seconds: float = Field(
        default=30.0, gt=0, le=600, description="time to send a body (plus 1 s per 16 KiB received)"
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,  # noqa: ARG003 - pydantic-settings' signature
        file_secret_settings: PydanticBaseSettingsSource,  # noqa: ARG003
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Flags (init) first, then the environment, then the TOML file."""
        toml = TomlConfigSettingsSource(settings_cls, toml_file=default_config_file())
        return (init_settings, env_settings, toml)

    @property
    def resolved_database_url(self) -> str:
        """The configured URL, or the embedded SQLite file in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'server.sqlite3'}"

    @property
    def is_sqlite(self) -> bool:
        """Whether the database is the embedded SQLite one."""
        return self.resolved_database_url.startswith("sqlite")


def load_settings(**overrides: Any) -> Settings:
    """Settings from the TOML file and environment, with non-``None`` ``overrides`` (command-line flags) on top."""
    return Settings(**{key: value for key, value in overrides.items() if value is not None})
