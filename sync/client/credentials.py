"""The device token lives in the OS keyring, never in a plain file or a log.

On a machine without a keyring backend we say so and refuse, unless the user explicitly chose the
file-based keyring (``POSAPP_KEYRING=file``, meant for the demo; read by ``posapp.config`` and passed
down as ``plain_file``), which we then name in the error messages and the status so nobody mistakes it
for a safe store.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

import keyring
import keyring.errors
from keyring.backend import KeyringBackend

from posapp.domain.errors import DomainError

SERVICE = "OmniPOS device token"
FILE_KEYRING_ENV = "POSAPP_KEYRING"


class NoKeyring(DomainError):
    """There is no OS keyring to keep the device token in."""

    message_key = "error.keyring.missing"


def _backend(data_dir: Path | None, plain_file: bool) -> KeyringBackend:
    if plain_file:
        from keyrings.alt.file import PlaintextKeyring

        backend = PlaintextKeyring()
        if data_dir is not None:
            backend.file_path = str(data_dir / "demo-keyring-NOT-SECURE.cfg")
        return cast("KeyringBackend", backend)
    backend = keyring.get_keyring()
    priority = getattr(backend, "priority", 0)
    name = type(backend).__module__
    if priority <= 0 or name.startswith(("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")):
        raise NoKeyring(
            "no OS keyring is available to keep the device token; install one (e.g. Secret Service) "
            f"or, for a demo only, set {FILE_KEYRING_ENV}=file to keep it in a plain file"
        )
    return backend


def require_keyring(data_dir: Path | None = None, *, plain_file: bool = False) -> None:
    """Raise ``NoKeyring`` now when the token could not be kept: pairing checks this before it spends
    the one-use code, so a terminal without a keyring never leaves an orphan device on the server."""
    _backend(data_dir, plain_file)


def save_token(
    *, server_url: str, device_id: str, token: str, data_dir: Path | None = None, plain_file: bool = False
) -> None:
    """Keep the device token for ``server_url`` in the keyring (``plain_file``: the demo's file)."""
    _backend(data_dir, plain_file).set_password(SERVICE, f"{server_url}|{device_id}", token)


def load_token(
    *, server_url: str, device_id: str, data_dir: Path | None = None, plain_file: bool = False
) -> str | None:
    """The stored device token, or ``None``."""
    return _backend(data_dir, plain_file).get_password(SERVICE, f"{server_url}|{device_id}")


def delete_token(
    *, server_url: str, device_id: str, data_dir: Path | None = None, plain_file: bool = False
) -> bool:
    """Forget the device token for ``server_url`` (a reset); False when there was none to forget.

    Any other keyring failure (``NoKeyring``, ``keyring.errors.KeyringError``) is raised for the caller,
    who decides whether it may stop what it is doing."""
    try:
        _backend(data_dir, plain_file).delete_password(SERVICE, f"{server_url}|{device_id}")
    except keyring.errors.PasswordDeleteError:
        return False
    return True
