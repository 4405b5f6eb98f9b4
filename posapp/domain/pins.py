"""Clerk PINs hashed with scrypt in a portable text format: ``scrypt$n$r$p$salt_b64$hash_b64``.

The server hashes, the terminals verify offline with the same code, so the format must not change.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SCRYPT_DKLEN = 32
_MAX_N = 2**20


def hash_pin(pin: str, *, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    """Hash a clerk PIN as ``scrypt$n$r$p$salt_b64$hash_b64``."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=SCRYPT_DKLEN)
    return "$".join(
        ["scrypt", str(n), str(r), str(p), base64.b64encode(salt).decode(), base64.b64encode(digest).decode()]
    )


def verify_pin(pin: str, encoded: str) -> bool:
    """Whether ``pin`` matches ``encoded``; a malformed hash never matches."""
    try:
        scheme, n_text, r_text, p_text, salt_b64, hash_b64 = encoded.split("$")
        n, r, p = int(n_text), int(r_text), int(p_text)
        salt = base64.b64decode(salt_b64, validate=True)
        expected = base64.b64decode(hash_b64, validate=True)
    except ValueError:
        return False
    if scheme != "scrypt" or not (1 < n <= _MAX_N) or r < 1 or p < 1:
        return False
    actual = hashlib.scrypt(
        pin.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=len(expected), maxmem=256 * r * n + 1024 * 1024
    )
    return hmac.compare_digest(actual, expected)
