"""Secrets stored only as hashes: bearer tokens (sha256) and clerk PINs (scrypt, portable text format).

The PIN format ``scrypt$n$r$p$salt_b64$hash_b64`` is verified offline by the terminals too, so it
must not change.
"""

from __future__ import annotations

import hashlib
import secrets

from posapp.domain.pins import hash_pin, verify_pin

__all__ = ["hash_pin", "hash_token", "new_pairing_code", "new_token", "verify_pin"]


def new_token(prefix: str) -> str:
    """A fresh bearer token: ``prefix_`` + 32 random bytes, url-safe."""
    return f"{prefix}_{secrets.token_urlsafe(32)}"


def hash_token(token: str) -> str:
    """The sha256 hex digest under which a token is stored (tokens are long and random, so no KDF)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_pairing_code() -> str:
    """A short one-time pairing code a person can type: 8 digits."""
    return f"{secrets.randbelow(10**8):08d}"
