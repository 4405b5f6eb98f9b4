"""Structured logging: one JSON object per line, never with personal data from a failed statement.

A failed SQL statement's exception carries everything needed to leak a member: SQLAlchemy's message
lists the statement's parameters (names, e-mail addresses, phone numbers) and PostgreSQL's adds a
``DETAIL`` line with the whole failing row. Engines are made with ``hide_parameters=True``
(``db.session``), and every exception that reaches a log is written by ``redacted_traceback``: the
frames, the exception types, the SQL text without parameters, and the first line of each message
with quoted values, e-mail addresses and phone-shaped numbers cut out.
"""

from __future__ import annotations

import json
import logging
import os
import re
import traceback
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "color_message"}
"""Record attributes that are not ``extra`` fields; uvicorn's ``color_message`` repeats the message with
ANSI colour codes, which have no place in a JSON line."""
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_ENCODER = json.JSONEncoder(ensure_ascii=False, default=str)
"""Made once: ``json.dumps`` with any option builds a new encoder per line (one per request)."""
SQL_KEPT = 400
"""Characters of a failed statement's SQL text kept in the log (a bulk insert's can be huge)."""

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_PHONE = re.compile(r"(?<!\d)\+?\d[\d\- ]{8,}\d(?!\d)")
_QUOTED_VALUE = re.compile(r"""(:\s*|=\s*)("[^"]*"|'[^']*'|\([^)]*\))""")


def _plain(message: str) -> str:
    return _ANSI.sub("", message) if "\x1b" in message else message


def scrub(text: str) -> str:
    """One line of an error message without the values it quotes, e-mail addresses or phone numbers."""
    line = text.strip().splitlines()[0] if text.strip() else ""
    line = _QUOTED_VALUE.sub(r"\1…", line)
    line = _EMAIL.sub("<email>", line)
    return _PHONE.sub("<number>", line)


def safe_message(error: BaseException) -> str:
    """What an exception says, fit for a log: a database error by its driver message and SQL text only."""
    from pydantic import ValidationError
    from sqlalchemy.exc import StatementError

    if isinstance(error, StatementError):
        original = error.orig
        said = f"({type(original).__module__}.{type(original).__name__}) {scrub(str(original))}"
        statement = " ".join(str(error.statement or "").split())
        if len(statement) > SQL_KEPT:
            statement = statement[:SQL_KEPT] + "…"
        return f"{said} [SQL: {statement}]"
    if isinstance(error, ValidationError):  # its text repeats the input values
        places = ", ".join(".".join(str(p) for p in e["loc"]) + f" ({e['type']})" for e in error.errors())
        return f"{error.error_count()} validation errors: {places}"
    return scrub(str(error))


def redacted_traceback(error: BaseException) -> str:
    """A traceback like Python's (causes first), each exception's message passed through ``safe_message``."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in chain and len(chain) < 10:
        chain.append(current)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    blocks = []
    for link in reversed(chain):
        frames = "".join(traceback.format_tb(link.__traceback__))
        name = f"{type(link).__module__}.{type(link).__qualname__}".removeprefix("builtins.")
        blocks.append(f"Traceback (most recent call last):\n{frames}{name}: {safe_message(link)}")
    return "\n\nThe above exception was followed by:\n\n".join(blocks)


class JsonFormatter(logging.Formatter):
    """Format a record as JSON with its ``extra`` fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "pid": record.process or os.getpid(),
            "message": _plain(record.getMessage()),
        }
        entry.update({key: value for key, value in record.__dict__.items() if key not in _STANDARD})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return _ENCODER.encode(entry)

    def formatException(
        self, ei: tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]
    ) -> str:
        """Every logged exception (ours, uvicorn's, SQLAlchemy's pool's) without parameters or values."""
        error = ei[1]
        return redacted_traceback(error) if error is not None else ""


def log_config(level: str = "info") -> dict[str, Any]:
    """Every record to stderr as one JSON line, as a ``logging.config.dictConfig`` dictionary.

    Given to uvicorn as ``log_config``, so each worker process applies it when it starts: with
    ``--workers 2`` the workers are fresh interpreters that know nothing of the parent's handlers.
    uvicorn's own loggers hand their records to the root (no second, coloured handler), except its
    access log, which would repeat the app's own line for every request.
    """
    level = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": f"{__name__}.JsonFormatter"}},
        "handlers": {
            "stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
        },
        "root": {"handlers": ["stderr"], "level": level},
        "loggers": {
            **{
                name: {"handlers": [], "propagate": True, "level": level}
                for name in ("uvicorn", "uvicorn.error")
            },
            # The app writes each request's line itself (``access_log``, with its request id). uvicorn
            # turns its own off with ``access_log=False``, but a worker applying this configuration
            # after it (``app.create_app_from_env``) turned it back on: two lines per request.
            "uvicorn.access": {"handlers": [], "propagate": False},
            # The look-ups' async pool (db/loop_reads.py) logs every connection it hands out at INFO.
            "psycopg.pool": {"handlers": [], "propagate": True, "level": "WARNING"},
        },
    }


def configure_logging(level: str = "info") -> None:
    """Send every log record of this process to stderr as JSON."""
    import logging.config

    logging.config.dictConfig(log_config(level))
