"""Fixtures: every test runs on each backend it can reach.

``embedded``: SQLite in the test's own folder, fakeredis, inline tasks (always available).
``services``: a fresh MariaDB database and a Redis key prefix of the test's own, on the real
servers at 127.0.0.1. Missing servers skip those runs loudly on a laptop and fail them in CI.
"""

from __future__ import annotations

import contextvars
import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pymysql
import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from storefront import create_app
from storefront.extensions import db as _db
from storefront.models import User
from storefront.services.accounts import users as accounts
from tests import factories

IN_CI = os.environ.get("CI") == "true"
MARIADB = dict(host=os.environ.get("TEST_MARIADB_HOST", "127.0.0.1"),
               port=int(os.environ.get("TEST_MARIADB_PORT", "3306")), user="root", password="")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
PASSWORD = "correct horse battery"
# Argon2id at its smallest (1 pass over 8 KiB) instead of 64 MiB and 3 passes: a user fixture
# or a sign-in costs a millisecond, not half a second. Tests marked ``real_password_hash``
# (and tests/test_passwords.py) keep the production parameters.
CHEAP_ARGON2 = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 8, "ARGON2_PARALLELISM": 1}


def require_service(name: str, error: Exception) -> None:
    message = f"{name} is not reachable ({error}); the tests on the real {name} did not run"
    if IN_CI:
        pytest.fail(f"CI must test on the real {name}: {message}")
    pytest.skip(f"!!! {message} !!!")


def mariadb_connection() -> pymysql.Connection:
    return pymysql.connect(**MARIADB, charset="utf8mb4", connect_timeout=2)


@pytest.fixture(params=["embedded", "services"])
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def services_config() -> Iterator[dict]:
    """A MariaDB database and a Redis key prefix that belong to this test alone."""
    token = uuid.uuid4().hex[:12]
    name = f"sf_test_{token}"
    try:
        conn = mariadb_connection()
    except pymysql.MySQLError as exc:
        require_service("MariaDB", exc)
    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
        client.ping()
    except redis.RedisError as exc:
        conn.close()
        require_service("Redis", exc)
    with conn.cursor() as cur:
        cur.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    prefix = f"sf_test:{token}:"
    try:
        yield {
            "SQLALCHEMY_DATABASE_URI": (
                f"mysql+pymysql://{MARIADB['user']}@{MARIADB['host']}:{MARIADB['port']}"
                f"/{name}?charset=utf8mb4"
            ),
            "REDIS_URL": REDIS_URL,
            "REDIS_KEY_PREFIX": prefix,
            "CACHE_KEY_PREFIX": prefix + "cache:",
        }
    finally:
        with conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
        conn.close()
        # limits and kombu (a test's own Celery queue) put prefixes of their own first
        for pattern in (prefix + "*", f"LIMITS:LIMITER/{prefix}*", f"_kombu.binding*.{prefix}*"):
            keys = list(client.scan_iter(match=pattern, count=500))
            if keys:
                client.delete(*keys)
        client.close()


@pytest.fixture
def app_config(backend: str, tmp_path, request: pytest.FixtureRequest) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "STATIC_PAGES_DIR": str(tmp_path / "static_pages"),
        "SEARCH_INDEX_DIR": str(tmp_path / "search"),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'shop.sqlite'}",
        "CELERY_TASK_ALWAYS_EAGER": True,
    }
    if not request.node.get_closest_marker("real_password_hash"):
        config.update(CHEAP_ARGON2)
    if backend == "services":
        config.update(request.getfixturevalue("services_config"))
    return config


@pytest.fixture
def app(app_config: dict) -> Iterator[Flask]:
    app = create_app(app_config)
    with app.app_context():
        _db.create_all()
        yield app
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def db(app: Flask):
    return _db


class ShopperClient(FlaskClient):
    """A browser: each request gets its own app context (its own ``g`` and DB session), as in
    production, instead of sharing the one the test holds open for its own queries."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    app.test_client_class = ShopperClient
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def shop(app: Flask) -> factories.Shop:
    return factories.small_shop()


@pytest.fixture
def user(app: Flask) -> User:
    return accounts.create_user("alice", "alice@example.com", PASSWORD)


@pytest.fixture
def staff(app: Flask) -> User:
    return accounts.create_user("sam", "sam@example.com", PASSWORD, is_staff=True)


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client: FlaskClient, path: str = "/users/login") -> str:
    """The token a browser would find in the form at ``path``."""
    match = CSRF_RE.search(client.get(path).get_data(as_text=True))
    assert match, f"no csrf_token in the form at {path}"
    return match.group(1)


def sign_in(client: FlaskClient, username: str = "alice", password: str = PASSWORD):
    return client.post("/users/login", data={"username": username, "password": password,
                                             "csrf_token": csrf_token(client)})


@pytest.fixture
def signed_in(client: FlaskClient, user: User) -> FlaskClient:
    response = sign_in(client)
    assert response.status_code == 302
    return client


@contextmanager
def count_queries() -> Iterator[list[str]]:
    """The SQL statements the app runs inside the block."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = _db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)
