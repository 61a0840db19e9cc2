"""Password hashing with Argon2id at argon2-cffi's defaults (RFC 9106 low-memory profile:
64 MiB, t=3, p=4), above OWASP's minimum (19 MiB, t=2, p=1).

Older hashes still verify: Argon2 with weaker parameters, and the pbkdf2/scrypt hashes that
werkzeug makes (what a Flask shop typically starts with). Either is replaced by a current
hash the next time its owner signs in.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from werkzeug.security import check_password_hash

_hasher = PasswordHasher()
LEGACY_PREFIXES = ("pbkdf2:", "scrypt:")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(stored_hash: str, password: str) -> tuple[bool, bool]:
    """(matches, needs a new hash)."""
    if stored_hash.startswith(LEGACY_PREFIXES):
        return check_password_hash(stored_hash, password), True
    try:
        _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False, False
    return True, _hasher.check_needs_rehash(stored_hash)
