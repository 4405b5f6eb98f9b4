"""PIN hashes in the portable scrypt format, and token hashing."""

from __future__ import annotations

import base64
import hashlib

from sync.server.security import hash_pin, hash_token, new_token, verify_pin


def test_pin_hash_has_the_portable_format_and_verifies() -> None:
    encoded = hash_pin("9999", n=2**10)
    scheme, n, r, p, salt_b64, hash_b64 = encoded.split("$")
    assert (scheme, n, r, p) == ("scrypt", "1024", "8", "1")
    expected = hashlib.scrypt(b"9999", salt=base64.b64decode(salt_b64), n=1024, r=8, p=1, dklen=32)
    assert base64.b64decode(hash_b64) == expected
    assert verify_pin("9999", encoded)
    assert not verify_pin("9998", encoded)


def test_malformed_pin_hashes_never_match() -> None:
    for encoded in (
        "",
        "scrypt$1$8$1$AA==$AA==",
        "bcrypt$1024$8$1$AA==$AA==",
        "scrypt$x$8$1$AA==$AA==",
        "a$b",
    ):
        assert not verify_pin("1234", encoded)


def test_tokens_are_random_and_hashed_with_sha256() -> None:
    first, second = new_token("dev"), new_token("dev")
    assert first != second and first.startswith("dev_")
    assert hash_token(first) == hashlib.sha256(first.encode()).hexdigest()
