"""Password hashing with Argon2id at argon2-cffi's defaults (RFC 9106 low-memory profile:
64 MiB, t=3, p=4), above OWASP's minimum (19 MiB, t=2, p=1). The parameters are settings
(``ARGON2_TIME_COST``, ``ARGON2_MEMORY_COST`` in KiB, ``ARGON2_PARALLELISM``) only so that the
test suite can hash cheaply; production keeps the defaults.

Older hashes still verify: Argon2 with weaker parameters, and the pbkdf2/scrypt hashes that
werkzeug makes (what a Flask shop typically starts with). Either is replaced by a current
hash the next time its owner signs in.

Each hash or check holds 64 MiB while it runs, so a burst of sign-ups would multiply a
worker's memory. A bounded semaphore per app (so per worker process) lets only
``PASSWORD_HASH_CONCURRENCY`` run at once; a request that cannot get a slot within
``PASSWORD_HASH_WAIT_SECONDS`` gets a 503 "busy, try again" instead of waiting forever.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, current_app, has_app_context
from werkzeug.exceptions import ServiceUnavailable
from werkzeug.security import check_password_hash

_hasher = PasswordHasher()  # outside an app, and the defaults of the settings below
LEGACY_PREFIXES = ("pbkdf2:", "scrypt:")
# outside an app (module import, scripts): one hash at a time, no waiting limit
_fallback_gate = threading.BoundedSemaphore(1)


class HashingBusy(ServiceUnavailable):
    """Every password-hashing slot of this worker stayed busy for too long."""

    description = "We are very busy signing people in. Please try again in a moment."

    def get_headers(self, *args, **kwargs) -> list[tuple[str, str]]:
        return [*super().get_headers(*args, **kwargs), ("Retry-After", "5")]


def init_app(app: Flask) -> None:
    size = int(app.config["PASSWORD_HASH_CONCURRENCY"])
    app.extensions["password_gate"] = threading.BoundedSemaphore(max(1, size))
    cfg = app.config
    app.extensions["password_hasher"] = PasswordHasher(
        time_cost=int(cfg["ARGON2_TIME_COST"]), memory_cost=int(cfg["ARGON2_MEMORY_COST"]),
        parallelism=int(cfg["ARGON2_PARALLELISM"]))


def _current_hasher() -> PasswordHasher:
    if has_app_context():
        return current_app.extensions["password_hasher"]
    return _hasher


@contextmanager
def _hashing_slot() -> Iterator[None]:
    if has_app_context():
        gate = current_app.extensions["password_gate"]
        timeout: float | None = float(current_app.config["PASSWORD_HASH_WAIT_SECONDS"])
    else:
        gate, timeout = _fallback_gate, None
    if not gate.acquire(timeout=timeout):
        raise HashingBusy()
    try:
        yield
    finally:
        gate.release()


def hash_password(password: str) -> str:
    hasher = _current_hasher()
    with _hashing_slot():
        return hasher.hash(password)


def check_no_password(password: str) -> None:
    """Spend the time of a real check (same parameters), for a name that has no account."""
    dummy = current_app.extensions.get("password_dummy_hash") if has_app_context() else None
    if dummy is None:
        dummy = hash_password("not a real password")
        if has_app_context():
            current_app.extensions["password_dummy_hash"] = dummy
    check_password(dummy, password)


def check_password(stored_hash: str, password: str) -> tuple[bool, bool]:
    """(matches, needs a new hash)."""
    if stored_hash.startswith(LEGACY_PREFIXES):
        with _hashing_slot():
            return check_password_hash(stored_hash, password), True
    hasher = _current_hasher()
    try:
        with _hashing_slot():
            hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False, False
    return True, hasher.check_needs_rehash(stored_hash)
