"""Fixtures: every test runs on each backend it can reach.

``embedded``: SQLite in the test's own folder, fakeredis, inline tasks (always available).
``services``: MariaDB and Redis, the real servers at 127.0.0.1. Missing servers skip those
runs loudly on a laptop and fail them in CI.

Isolation (tests/databases.py): each pytest process (an xdist worker) has its own "services
space": a MariaDB schema built once, a Redis key prefix and folders (media, page files,
search index), all emptied before each services test, ids back at 1. So a server started once
per session or module (nginx, gunicorn, a worker) serves every test of that process, each on
a clean shop. An embedded test gets a copy of a SQLite file built once. A test that only takes
``app_config`` and builds its own app gets an empty database with no tables (for
``flask db upgrade``). Tests commit for real: no transaction or savepoint is rolled back.
"""

from __future__ import annotations

import contextvars
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pymysql
import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from devtools import browser
from storefront import create_app
from storefront.extensions import db as _db
from storefront.models import User
from storefront.services.accounts import users as accounts
from tests import factories, servers
from tests.databases import MariaDBSchema, ServicesSpace, SQLiteTemplate
from tests.mail_support import Controller, Inbox, smtp_server
from tests.sites import SharedSite

IN_CI = os.environ.get("CI") == "true"
# An app a test builds without TESTING (to see the embedded defaults) must not load or write
# the developer's make-run data in instance/; tests of the snapshot give their own path.
os.environ["FLASK_REDIS_SNAPSHOT_PATH"] = ""
MARIADB = dict(host=os.environ.get("TEST_MARIADB_HOST", "127.0.0.1"),
               port=int(os.environ.get("TEST_MARIADB_PORT", "3306")), user="root", password="")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
PASSWORD = "correct horse battery"
# Argon2id at its smallest (1 pass over 8 KiB) instead of 64 MiB and 3 passes: a user fixture
# or a sign-in costs a millisecond, not half a second. Tests marked ``real_password_hash``
# (and tests/services/accounts/test_passwords.py) keep the production parameters.
CHEAP_ARGON2 = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 8, "ARGON2_PARALLELISM": 1}


def require_service(name: str, error: Exception) -> None:
    message = f"{name} is not reachable ({error}); the tests on the real {name} did not run"
    if IN_CI:
        pytest.fail(f"CI must test on the real {name}: {message}")
    pytest.skip(f"!!! {message} !!!")


def mariadb_connection() -> pymysql.Connection:
    return pymysql.connect(**MARIADB, charset="utf8mb4", connect_timeout=2)


def mariadb_url(database: str) -> str:
    return (f"mysql+pymysql://{MARIADB['user']}@{MARIADB['host']}:{MARIADB['port']}"
            f"/{database}?charset=utf8mb4")


# Tests that take one of these fixtures start real servers (or a Redis of their own):
# ``slow``, so ``pytest -m "not slow"`` is the quick loop. A test that starts one inline
# says so itself.
SLOW_FIXTURES = {"cluster", "site", "stack", "sentinels", "own_redis", "own_broker",
                 "db_proxy"}
# Under xdist (make test: ``--dist loadgroup``) the tests under each of these paths run on
# one worker, in order: they share servers started once (the browser's stack, nginx_site,
# the Sentinel set, the cluster), and the cluster's network namespaces never exist twice at
# once. Every other test is scheduled on its own. (By path, not by xdist_group marks:
# pytest-xdist 3.8 cannot group on pytest 9.2, whose items keep their id in ``_id``.)
SERVER_GROUPS = {"tests/browser/": "browser", "tests/deploy/test_nginx": "nginx",
                 "tests/deploy/test_cluster.py": "cluster",
                 "tests/deploy/test_sentinel.py": "sentinel"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if SLOW_FIXTURES.intersection(item.fixturenames):
            item.add_marker(pytest.mark.slow)


def server_group(nodeid: str) -> str:
    """The unit of work a test goes to a worker in: its server group, or itself."""
    return next((group for path, group in SERVER_GROUPS.items() if nodeid.startswith(path)),
                nodeid)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ServerGroupScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return server_group(nodeid)

    return ServerGroupScheduling(config, log)


@pytest.fixture(params=["embedded", "services"])
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> SQLiteTemplate:
    return SQLiteTemplate(tmp_path_factory.mktemp("sqlite_template"))


@pytest.fixture(scope="session")
def services_space(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServicesSpace]:
    """This process's MariaDB schema, Redis key prefix and folders (made on first use)."""
    try:
        schema = MariaDBSchema(mariadb_connection, mariadb_url)
    except pymysql.MySQLError as exc:
        require_service("MariaDB", exc)
    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
        client.ping()
    except redis.RedisError as exc:
        schema.close()
        require_service("Redis", exc)
    space = ServicesSpace(schema, client, REDIS_URL, tmp_path_factory.mktemp("services"))
    yield space
    space.close()


@pytest.fixture
def services_config(request: pytest.FixtureRequest) -> Iterator[dict]:
    """The process's services space, emptied; a test that builds its own app (it does not
    use the ``app`` fixture) gets an empty database of its own instead of the schema."""
    space: ServicesSpace = request.getfixturevalue("services_space")
    space.empty()
    config = space.config()
    if uses_app_fixture(request):
        yield config
        return
    name = f"sf_test_{uuid.uuid4().hex[:12]}"
    conn = mariadb_connection()
    try:
        with conn.cursor() as cur:
            cur.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 "
                        "COLLATE utf8mb4_unicode_ci")
        yield {**config, "SQLALCHEMY_DATABASE_URI": mariadb_url(name)}
    finally:
        with conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
        conn.close()


def uses_app_fixture(request: pytest.FixtureRequest) -> bool:
    return "app" in request.fixturenames


def base_config() -> dict:
    return {"TESTING": True, "SECRET_KEY": "test-secret", "CELERY_TASK_ALWAYS_EAGER": True,
            **CHEAP_ARGON2}


@pytest.fixture(scope="session")
def nginx_site(services_space: ServicesSpace, tmp_path_factory: pytest.TempPathFactory
               ) -> Iterator[SharedSite]:
    """gunicorn and nginx on this process's services space, started on first use and shared
    by every test that takes tests/deploy/test_nginx.py's ``site`` (which empties the space first,
    like any services test)."""
    if servers.nginx_binary() is None:
        require_service("nginx", FileNotFoundError("no nginx binary; apt-get install -y nginx"))
    site = SharedSite({**base_config(), **services_space.config()},
                      tmp_path_factory.mktemp("nginx_site"))
    yield site
    site.stop()


@pytest.fixture
def app_config(backend: str, tmp_path, request: pytest.FixtureRequest) -> dict:
    config = {
        **base_config(),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "STATIC_PAGES_DIR": str(tmp_path / "static_pages"),
        "SEARCH_INDEX_DIR": str(tmp_path / "search"),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'shop.sqlite'}",
    }
    if request.node.get_closest_marker("real_password_hash"):
        for key in CHEAP_ARGON2:
            del config[key]
    if backend == "services":
        config.update(request.getfixturevalue("services_config"))
    elif uses_app_fixture(request):
        request.getfixturevalue("sqlite_template").copy_to(tmp_path / "shop.sqlite")
    if "own_redis" in request.fixturenames:  # a redis-server of the test's own, to break
        url = request.getfixturevalue("own_redis").url
        config.update(REDIS_URL=url, CACHE_REDIS_URL=url)
    return config


@pytest.fixture
def own_redis() -> Iterator[servers.OwnRedis]:
    """A redis-server of this test's own, which the test may stop and start again."""
    server = servers.OwnRedis()
    server.start()
    yield server
    server.stop()


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


CSRF_RE = browser.CSRF_RE


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


@pytest.fixture(scope="module")
def smtp() -> Iterator[Controller]:
    """A real SMTP server for the module; its app takes it as MAIL_SERVER and MAIL_PORT."""
    with smtp_server() as controller:
        yield controller


@pytest.fixture
def inbox(smtp: Controller) -> Inbox:
    """What the SMTP server received during this test."""
    return smtp.handler.clear()


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
