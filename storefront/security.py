"""Password hashing with Argon2id at argon2-cffi's defaults (RFC 9106 low-memory profile:
64 MiB, t=3, p=4), above OWASP's minimum. Hashes made with older parameters are upgraded
when their owner next signs in."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(stored_hash: str, password: str) -> tuple[bool, bool]:
    """(matches, needs a new hash)."""
    try:
        _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False, False
    return True, _hasher.check_needs_rehash(stored_hash)
