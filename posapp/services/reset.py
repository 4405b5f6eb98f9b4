""" "Reset this terminal": a manager's decision, carried out at the next start with nothing deleted.

The database cannot be swapped under a running window, so the manager screen only records the request
(who, when); ``posapp`` moves the database into a dated ``reset-…`` folder before it opens anything, and
the terminal starts at its first screen (pair with the server). A paired terminal with sales not yet on
the server refuses: they would be stranded in the moved file. The device token of the pairing the
request names is deleted from the keyring then too: a reset terminal keeps no way in to the server
(a keyring that fails is logged and the reset goes on; the device can be revoked at HQ).
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path

from posapp.config import plain_file_keyring
from posapp.domain.errors import DomainError
from posapp.services.counter import Approval, Counter
from posapp.services.status import terminal_status
from posapp.store import DATABASE_FILE

RESET_REQUEST = "reset-requested.json"
logger = logging.getLogger(__name__)


class UnsentSalesBlockReset(DomainError):
    """The outbox still holds events for the server."""

    message_key = "error.reset.unsent"


def request_reset(counter: Counter, approval: Approval) -> Path:
    """Record the manager's request; refused while a paired terminal has events waiting."""
    status = terminal_status(counter)
    if counter.is_paired and status.pending_events:
        raise UnsentSalesBlockReset(f"{status.pending_events} events wait for the server")
    request = counter.data_dir / RESET_REQUEST
    request.write_text(
        json.dumps(
            {
                "manager": approval.manager_name,
                "at": datetime.now(UTC).isoformat(),
                # The pairing whose token the reset deletes (the database is not opened at the next start).
                "server_url": counter.settings.server_url,
                "device_id": counter.settings.device_id,
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    return request


def apply_pending_reset(data_dir: Path) -> Path | None:
    """At start, before the database is opened: move it aside if a reset was requested; the folder."""
    request = data_dir / RESET_REQUEST
    if not request.exists():
        return None
    folder = data_dir / f"reset-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}"
    folder.mkdir()
    for name in (DATABASE_FILE, DATABASE_FILE + "-wal", DATABASE_FILE + "-shm"):
        if (data_dir / name).exists():
            (data_dir / name).rename(folder / name)
    request.rename(folder / RESET_REQUEST)
    _forget_device_token(data_dir, folder / RESET_REQUEST)
    return folder


def _forget_device_token(data_dir: Path, request: Path) -> None:
    """Delete the token of the pairing ``request`` names from the keyring; never fails the reset."""
    from sync.client import credentials

    try:
        named = json.loads(request.read_text(encoding="utf-8"))
        server_url, device_id = str(named.get("server_url") or ""), str(named.get("device_id") or "")
    except (OSError, ValueError, AttributeError) as error:
        logger.warning(
            "reset: the request names no pairing (%s); no device token deleted", type(error).__name__
        )
        return
    if not server_url or not device_id:
        return  # not paired (a demo), or a request written before tokens were deleted
    try:
        deleted = credentials.delete_token(
            server_url=server_url, device_id=device_id, data_dir=data_dir, plain_file=plain_file_keyring()
        )
    except Exception as error:  # noqa: BLE001 - any keyring failure is logged; the reset itself is done
        logger.warning(
            "reset: the device token of %s could not be deleted from the keyring (%s: %s); revoke the device at HQ",
            device_id, type(error).__name__, error,
        )  # fmt: skip
        return
    logger.info("reset: device token of %s %s", device_id, "deleted" if deleted else "was not in the keyring")
