"""The shop under test: a MariaDB database and a Redis key prefix of the bench's own, a
seeded synthetic catalogue, a shopper account, and the environment its processes run with.

Everything is named ``sf_bench_<token>`` / ``sf_bench:<token>:`` and removed by ``drop``.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pymysql
import redis
from flask import Flask, current_app
from sqlalchemy import func, select

from devtools import servers
from storefront import create_app
from storefront.demo import seed
from storefront.extensions import db
from storefront.models import GoodsCategory, GoodsSKU, IndexCategoryGoodsBanner
from storefront.services.accounts import users as accounts
from storefront.services.pages import render as pages

MARIADB = {"host": os.environ.get("BENCH_MARIADB_HOST", "127.0.0.1"),
           "port": int(os.environ.get("BENCH_MARIADB_PORT", "3306")),
           "user": "root", "password": os.environ.get("BENCH_MARIADB_PASSWORD", "")}
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
USERNAME, PASSWORD = "bench", "bench-password-" + secrets.token_hex(4)


class ServiceMissing(RuntimeError):
    pass


@dataclass
class Shop:
    token: str
    workdir: Path
    config: dict[str, Any] = field(default_factory=dict)

    @property
    def database(self) -> str:
        return f"sf_bench_{self.token}"

    @property
    def prefix(self) -> str:
        return f"sf_bench:{self.token}:"

    @property
    def static_pages(self) -> Path:
        return Path(self.config["STATIC_PAGES_DIR"])

    def env(self, **extra: str) -> dict[str, str]:
        """The environment of a gunicorn or worker process that serves this shop."""
        return servers.app_environment(self.config, FLASK_CELERY_QUEUE=self.config["CELERY_QUEUE"],
                                       **extra)

    def app(self, **overrides: Any) -> Flask:
        """An app in this process (staff edits, cache clears): tasks go to the real worker."""
        return create_app({**self.config, "LOG_LEVEL": "WARNING", **overrides})


@dataclass(frozen=True)
class Catalogue:
    """What the figures request: a SKU shown as a homepage tile, its category, and the page
    of that category's list (default sort) that shows it: one price on three pages."""

    sku_id: int
    category_id: int
    list_page: int
    categories: int
    tile_skus: tuple[int, ...]  # SKUs with a tile on the homepage (memory: many detail pages)

    @property
    def keys(self) -> tuple[str, str, str]:
        """The page keys (services.pages) of the homepage, the SKU's page and its list."""
        return ("home", f"goods:{self.sku_id}",
                f"list:{self.category_id}:default:{self.list_page}")


def create(workdir: Path) -> Shop:
    """A fresh utf8mb4 database and the settings that point at it."""
    shop = Shop(secrets.token_hex(5), workdir)
    try:
        conn = pymysql.connect(**MARIADB, connect_timeout=3)
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except (pymysql.MySQLError, redis.RedisError) as exc:
        raise ServiceMissing(f"MariaDB (127.0.0.1:3306, root) and Redis (127.0.0.1:6379) must "
                             f"be running: {exc}") from exc
    with conn, conn.cursor() as cur:
        cur.execute(f"CREATE DATABASE `{shop.database}` "
                    "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    shop.config = {
        "SQLALCHEMY_DATABASE_URI": (f"mysql+pymysql://{MARIADB['user']}:{MARIADB['password']}"
                                    f"@{MARIADB['host']}:{MARIADB['port']}/{shop.database}"
                                    "?charset=utf8mb4"),
        "REDIS_URL": REDIS_URL,
        "SECRET_KEY": secrets.token_hex(32),
        "MEDIA_ROOT": str(workdir / "media"),
        "STATIC_PAGES_DIR": str(workdir / "static_pages"),
        "SEARCH_INDEX_DIR": str(workdir / "search"),
        "REDIS_KEY_PREFIX": shop.prefix,
        "CACHE_KEY_PREFIX": shop.prefix + "cache:",
        "CELERY_QUEUE": shop.prefix + "celery",
        "CELERY_TASK_ALWAYS_EAGER": False,
    }
    return shop


def drop(shop: Shop) -> None:
    """The database and every Redis key of this run (page cache, carts, queue, throttle)."""
    with pymysql.connect(**MARIADB, connect_timeout=3) as conn, conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS `{shop.database}`")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
    for pattern in (f"*{shop.prefix}*", f"*sf_bench_{shop.token}*"):
        keys = list(client.scan_iter(match=pattern, count=1000))
        if keys:
            client.delete(*keys)
    client.close()


def migrate(shop: Shop) -> None:
    """``flask db upgrade``, as ops run it (and alembic's logging stays in that process)."""
    cmd = [sys.executable, "-m", "flask", "--app", "storefront", "db", "upgrade"]
    done = subprocess.run(cmd, cwd=servers.ROOT, env=shop.env(), capture_output=True,  # noqa: S603
                          text=True, timeout=120, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"flask db upgrade failed:\n{done.stdout}{done.stderr}")


def prepare(shop: Shop, app: Flask, n_categories: int, skus_per_category: int) -> Catalogue:
    """Schema, the synthetic catalogue, the shopper, and the files of the pages the bench
    requests (as the worker writes them)."""
    migrate(shop)
    with app.app_context():
        seed(n_categories, skus_per_category)
        accounts.create_user(USERNAME, "bench@example.com", PASSWORD)
        cat = catalogue()
        for key in cat.keys:
            if not pages.publish(key):
                raise RuntimeError(f"the page {key} was not written")
        return cat


def grow(app: Flask, n_categories: int, skus_per_category: int) -> int:
    """More categories (the seeder skips those that exist); how many there are now."""
    with app.app_context():
        seed(n_categories, skus_per_category)
        return len(db.session.scalars(select(GoodsCategory.id)).all())


def catalogue() -> Catalogue:
    tiles = db.session.scalars(
        select(IndexCategoryGoodsBanner)
        .where(IndexCategoryGoodsBanner.display_type == IndexCategoryGoodsBanner.IMAGE)
        .order_by(IndexCategoryGoodsBanner.category_id, IndexCategoryGoodsBanner.index)
        .limit(20)
    ).all()
    if not tiles:
        raise RuntimeError("the seeded catalogue has no image tile on the homepage")
    count = len(db.session.scalars(select(GoodsCategory.id)).all())
    sku = db.session.get(GoodsSKU, tiles[0].sku_id)
    before = db.session.scalar(  # the default sort is newest (highest id) first
        select(func.count()).select_from(GoodsSKU).where(
            GoodsSKU.category_id == sku.category_id, GoodsSKU.on_sale,
            GoodsSKU.id > sku.id))
    return Catalogue(sku_id=sku.id, category_id=sku.category_id,
                     list_page=before // current_app.config["LIST_PAGE_SIZE"] + 1,
                     categories=count, tile_skus=tuple(t.sku_id for t in tiles))
