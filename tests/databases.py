"""The test databases: one schema per pytest process (each xdist worker is one), built once
and emptied before each test, instead of a database created and dropped per test; with it a
Redis key prefix and folders of the process's own, emptied the same way.

Emptying is real: the rows are gone and the ids start at 1 again (tests name ``/list/1``),
and tests commit for real, so the app's after-commit listeners (freshness) run as in
production. No test runs inside a transaction or savepoint that is rolled back.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path

import pymysql
import redis
from sqlalchemy import create_engine

from storefront.extensions import db

# How long emptying waits for a lock a connection still holds (a session or server left
# open by the previous test) before it fails and says so, instead of hanging the run.
LOCK_WAIT_SECONDS = 30


def process_token() -> str:
    """Names this process's databases: the xdist worker (gw0, ...) for a reader, and a random
    part, so that runs in other worktrees on the same MariaDB never meet."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return f"{worker}_{uuid.uuid4().hex[:8]}"


def table_names() -> list[str]:
    from storefront import models  # noqa: F401  (the tables of db.metadata)

    return [table.name for table in db.metadata.sorted_tables]


class MariaDBSchema:
    """A database of this process's own with every table of the models."""

    def __init__(self, connect: Callable[[], pymysql.Connection],
                 url_of: Callable[[str], str]) -> None:
        self.connect, self.url_of = connect, url_of
        self.name = f"sf_test_{process_token()}"
        self.url = url_of(self.name)
        self.tables = table_names()
        self.conn: pymysql.Connection = connect()
        # each statement its own transaction: a probe left open in a REPEATABLE READ snapshot
        # made the next ``empty`` see the tables as they were then, so a table without an id
        # to tell it by (offer_sku) kept a test's rows into the next test
        self.conn.autocommit(True)
        self._execute(f"SET SESSION lock_wait_timeout = {LOCK_WAIT_SECONDS}")
        self._build()

    def _execute(self, sql: str, args: tuple = ()) -> list[tuple]:
        self.conn.ping()
        with self.conn.cursor() as cur:
            cur.execute(sql, args)
            return list(cur.fetchall())

    def _build(self) -> None:
        self._execute(f"CREATE DATABASE `{self.name}` CHARACTER SET utf8mb4 "
                      "COLLATE utf8mb4_unicode_ci")
        engine = create_engine(self.url)
        try:
            db.metadata.create_all(engine)
        finally:
            engine.dispose()

    def empty(self) -> None:
        """Every table empty and its ids back at 1. Only the tables that were written to are
        truncated (a TRUNCATE is DDL: tens of milliseconds each on a loaded machine). A test
        that added or dropped tables gets the schema built again."""
        found = dict(self._execute(
            "SELECT table_name, auto_increment FROM information_schema.tables "
            "WHERE table_schema = %s", (self.name,)))
        if set(found) != set(self.tables):
            self.drop()
            self._build()
            return
        # one round trip; the names are the models' own tables
        probes = [f"(SELECT '{table}' FROM `{self.name}`.`{table}` LIMIT 1)"  # noqa: S608
                  for table in self.tables]
        with_rows = {row[0] for row in self._execute(" UNION ALL ".join(probes))}
        written = with_rows | {table for table, next_id in found.items() if (next_id or 1) > 1}
        if not written:
            return
        self._execute("SET SESSION foreign_key_checks = 0")
        try:
            for table in written:
                try:
                    self._execute(f"TRUNCATE TABLE `{self.name}`.`{table}`")
                except pymysql.err.OperationalError as exc:
                    raise RuntimeError(
                        f"could not empty {table} of the test database {self.name}: a "
                        "connection of an earlier test (a session, an engine or a server not "
                        f"stopped) still holds it: {exc}") from exc
        finally:
            self._execute("SET SESSION foreign_key_checks = 1")

    def drop(self) -> None:
        self._execute(f"DROP DATABASE IF EXISTS `{self.name}`")

    def close(self) -> None:
        try:
            self.drop()
        finally:
            self.conn.close()


class SQLiteTemplate:
    """An empty SQLite database with every table, built once; each test gets a copy (a file
    copy costs microseconds, ten CREATE TABLEs with their fsyncs a few hundred ms)."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "template.sqlite"
        engine = create_engine(f"sqlite:///{self.path}")
        try:
            db.metadata.create_all(engine)
        finally:
            engine.dispose()

    def copy_to(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.path, path)


def remove(path: Path) -> None:
    """Whatever a test left at ``path``: a folder, or a file put there to break the app."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


class ServicesSpace:
    """Everything a services test's app, and any server started for it, writes to."""

    FOLDERS = {"MEDIA_ROOT": "media", "STATIC_PAGES_DIR": "static_pages",
               "SEARCH_INDEX_DIR": "search"}

    def __init__(self, schema: MariaDBSchema, client: redis.Redis, redis_url: str,
                 folder: Path) -> None:
        self.schema, self.redis, self.redis_url, self.folder = schema, client, redis_url, folder
        self.prefix = f"sf_test:{process_token()}:"

    def config(self) -> dict:
        return {"SQLALCHEMY_DATABASE_URI": self.schema.url, "REDIS_URL": self.redis_url,
                "REDIS_KEY_PREFIX": self.prefix, "CACHE_KEY_PREFIX": self.prefix + "cache:",
                **{key: str(self.folder / name) for key, name in self.FOLDERS.items()}}

    def empty(self) -> None:
        """The schema's rows, the prefix's keys and the folders, gone."""
        self.schema.empty()
        self.forget_keys(queues_too=False)
        for name in self.FOLDERS.values():
            remove(self.folder / name)

    def forget_keys(self, *, queues_too: bool = True) -> None:
        """Every key of the prefix on the shared Redis (never a FLUSHDB: others use it).
        Limits put a prefix of their own first, and so does kombu for a queue's binding,
        which stays while the process lives (a worker started once keeps consuming)."""
        patterns = [self.prefix + "*", f"LIMITS:LIMITER/{self.prefix}*"]
        if queues_too:
            patterns.append(f"_kombu.binding*.{self.prefix}*")
        for pattern in patterns:
            keys = list(self.redis.scan_iter(match=pattern, count=500))
            if keys:
                self.redis.delete(*keys)

    def close(self) -> None:
        try:
            self.forget_keys()
            self.redis.close()
        finally:
            self.schema.close()
