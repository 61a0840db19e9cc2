"""Settings: one class of embedded defaults, then the environment, then the caller's mapping.

With no environment at all the shop runs on SQLite in the instance folder, an in-process
cache, an in-process Redis stand-in and inline Celery tasks. Setting ``DATABASE_URL`` and
``REDIS_URL`` moves it onto the real services.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping

from flask import Config, Flask

# Only the embedded default uses this; outside it SECRET_KEY must come from the environment.
DEV_SECRET_KEY = "dev-only-not-secret"  # noqa: S105


class Defaults:
    SECRET_KEY = DEV_SECRET_KEY
    SQLALCHEMY_DATABASE_URI: str | None = None  # None: SQLite in the instance folder
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "pool_recycle": 280}
    REDIS_URL = ""  # empty: the in-process stand-in (fakeredis)
    # What may be evicted (the page cache's entries) on a Redis of its own, with
    # maxmemory-policy allkeys-lru; REDIS_URL keeps what must not be lost (noeviction).
    # Empty: REDIS_URL. Through Sentinels: the master named REDIS_CACHE_MASTER_NAME.
    REDIS_CACHE_URL = ""
    REDIS_CACHE_MASTER_NAME = ""  # empty: REDIS_MASTER_NAME (one Redis for both roles)
    # The stand-in's data on disk, so carts and histories survive a restart of `make run`
    # (redis_standin.py). None: <instance>/redis-standin.snapshot, except under TESTING;
    # "": not kept. Written at most every REDIS_SNAPSHOT_SECONDS, and at exit.
    REDIS_SNAPSHOT_PATH: str | None = None
    REDIS_SNAPSHOT_SECONDS = 1.0
    REDIS_KEY_PREFIX = ""  # before cart_<id> / history_<id>; lets tests share one Redis
    # "host:port,host:port,...": Redis through these Sentinels (wins over REDIS_URL), for
    # the client, the page cache, the throttle and the Celery broker alike
    REDIS_SENTINELS = ""
    REDIS_MASTER_NAME = "storefront"  # the name the Sentinels monitor the master under
    # Cart writes answer success only once this many replicas hold them (WAIT); None: 1
    # through Sentinel (a failover promotes a replica), 0 on one Redis
    REDIS_WAIT_REPLICAS: int | None = None
    REDIS_WAIT_MS = 100  # how long a cart write waits for that acknowledgement
    # connect and read timeout of every Redis client (the data client, the page cache, the
    # throttle, Sentinel queries): a dead Redis must cost a page a moment, not hang it
    REDIS_TIMEOUT_SECONDS = 0.5
    MEDIA_ROOT: str | None = None  # None: <instance>/media
    STATIC_PAGES_DIR: str | None = None  # None: <instance>/static_pages
    SEARCH_INDEX_DIR: str | None = None  # None: <instance>/search (one per node: README)
    MEDIA_URL = "/media/"
    CACHE_KEY_PREFIX = "storefront:"
    CACHE_DEFAULT_TIMEOUT = 3600
    # delete_many checks each key is gone afterwards; a key rebuilt in between (fresh, from
    # after the commit) is not a failure
    CACHE_IGNORE_ERRORS = True
    CELERY_TASK_ALWAYS_EAGER: bool | None = None  # None: eager unless REDIS_URL is set
    CELERY_QUEUE = "storefront"  # the worker consumes it; one per shop on a shared broker
    CELERY_BROKER_URL = ""  # empty: REDIS_URL
    # Several web nodes (deploy/cluster.py): each has its own page files, so every node's
    # worker hears of each save through this broadcast queue ("": one machine, no broadcast)
    PAGES_BROADCAST_QUEUE = ""
    # who hears of stale pages (services/pages/purge.py): "files", "cluster", "cdn", "none",
    # comma-separated; "": "cluster" with PAGES_BROADCAST_QUEUE, else "files"; plus "cdn"
    # when PAGES_CDN_PURGE_URL is set
    PAGES_PURGE = ""
    PAGES_CDN_PURGE_URL = ""  # POSTed with a Surrogate-Key header naming what went stale
    PAGES_CDN_PURGE_TOKEN = ""  # sent as Fastly-Key when set
    NODE_NAME = ""  # this node's name among them (its pending renders); "": the hostname
    # The node's listener also reads the log of stale pages this often by itself (0: never;
    # deploy/cluster.py sets 1): the bound on freshness when a broadcast is lost
    PAGES_POLL_SECONDS = 0.0
    # nginx's log of signed-in product views (deploy/nginx.conf, logs/views.log), which the
    # Celery worker reads this often into the shoppers' histories ("": not read)
    VIEWS_LOG = ""
    VIEWS_LOG_SECONDS = 0.5
    CELERY_VISIBILITY_TIMEOUT = 300  # a task on a worker that died runs again after this
    INDEX_SAFETY_NET_SECONDS = 60  # beat sweeps the page files this often (services/pages/
    # sweep.py: missing ones, ones older than a row they show), in case a save's work was lost
    # the sweep looks this far back before its last run for rows changed (their updated_at): a
    # transaction may run this long between its flush and its commit and still be caught
    PAGE_MAX_AGE_SECONDS = 300
    PAGE_WARM_PER_SECOND = 20  # pages the worker writes per second when warming or sweeping
    PAGE_SHARED_MAX_AGE = 60  # s-maxage of anonymous pages: how long a CDN may keep one
    LOG_LEVEL = "INFO"
    SQL_COUNT_HEADER = False  # benchmarks: X-SQL-Queries on every response
    LIST_PAGE_SIZE = 12
    # The shop's clock for offers: times typed without a zone (CLI, admin) are read in it and
    # "Ends Sunday" is said in it. Stored times are UTC whatever it is.
    SEARCH_PAGES_KEPT = 512  # search results pages kept per process (~20 KB each)
    HISTORY_LENGTH = 5
    REVIEWS_ON_DETAIL = 30
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024  # whole request body
    ADMIN_MAX_IMAGE_BYTES = 5 * 1024 * 1024  # one uploaded picture
    # Pixels of one uploaded picture: a product shot needs far fewer (the ladder stops at
    # 1280 px wide); each megapixel costs ~4 MB decoded, in the worker that builds the ladder.
    IMAGE_MAX_PIXELS = 40_000_000
    SIGNED_IN_COOKIE = "sf_signed_in"  # routing hint for nginx (deploy/nginx.conf)
    # An anonymous visitor's cart id; present only while that cart has lines, so it is
    # nginx's second routing hint (storefront/web/visitor_cart.py)
    CART_COOKIE = "sf_cart"
    ANONYMOUS_CART_DAYS = 30
    # A cart made and written on one visit lives this long until it is used again (then
    # ANONYMOUS_CART_DAYS): carts made by the thousand by one client go within the day.
    ANONYMOUS_CART_FIRST_HOURS = 24
    NEW_CARTS_PER_ADDRESS = "30 per hour"  # new anonymous carts per client address
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    # Sign-in throttling (services/accounts/throttle.py): failed attempts only.
    LOGIN_LIMIT_PER_ACCOUNT = "5 per 5 minutes"
    LOGIN_LIMIT_PER_ADDRESS = "30 per 10 minutes"
    SIGNUP_LIMIT_PER_ADDRESS = "10 per hour"  # sign-ups that reach the password hash
    # Forgotten password (services/accounts/reset.py): how long the mailed link works, and
    # how many mails one email address, and one client address, may ask for
    PASSWORD_RESET_SECONDS = 3600
    PASSWORD_RESET_LIMIT_PER_EMAIL = "3 per hour"  # noqa: S105 (a rate, not a password)
    PASSWORD_RESET_LIMIT_PER_ADDRESS = "10 per hour"  # noqa: S105
    # The host names the shop answers to ("shop.example.com,www.shop.example.com"); any
    # other Host is a 400, never echoed into a redirect (Flask's TRUSTED_HOSTS). Empty: the
    # host of SERVER_NAME if that is set, else any host (make run, tests). nginx drops the
    # rest before they reach the app (deploy/nginx.conf's default_server).
    ALLOWED_HOSTS = ""
    # Proxy addresses/networks whose X-Forwarded-* are believed (proxies.py); empty: nobody.
    TRUSTED_PROXIES = ""
    # Argon2 takes 64 MiB per hash: at most this many at once per worker process, and a
    # request that waits longer than PASSWORD_HASH_WAIT_SECONDS gets a 503 (security.py).
    PASSWORD_HASH_CONCURRENCY = 2
    PASSWORD_HASH_WAIT_SECONDS = 5.0
    # Argon2id parameters (passwords.py): argon2-cffi's defaults, RFC 9106's low-memory
    # profile. Only the test suite lowers them.
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536  # KiB
    ARGON2_PARALLELISM = 4
    # How long a signed-in user's row stays cached in Redis (services/accounts/users.py): edits
    # clear it after their commit; this bounds an edit whose clearing could not reach Redis.
    USER_CACHE_SECONDS = 300
    # Checkout (services/orders). Money as strings: Decimal, never float.
    DELIVERY_FEE = "4.99"
    FREE_DELIVERY_OVER = "49.00"  # the fee is waived from this subtotal on
    MIN_ORDER = "15.00"
    SHOP_TIMEZONE = "UTC"  # offers' times, delivery hours and slot labels are in this zone
    DEMO_OFFER_STARTS_AFTER_SECONDS = 60  # the demo offer that starts by itself after the seed
    SLOT_CAPACITY = 20  # orders per one-hour delivery slot
    SLOT_FIRST_HOUR, SLOT_LAST_HOUR = 8, 21  # slots from 08:00 to 21:00, shop time
    SLOT_DAYS_AHEAD = 7  # beat creates slots this far ahead
    SLOT_CUTOFF_MINUTES = 60  # a slot starting sooner is no longer offered (packing time)
    ORDERS_PAGE_SIZE = 10
    BEST_SELLERS_SECONDS = 300  # sales order (list and search) refreshed this often
    # Mail: SMTP when MAIL_SERVER is set; otherwise files in MAIL_FILE_PATH
    # (<instance>/outbox), or kept in memory under TESTING
    MAIL_SERVER = ""
    MAIL_PORT = 25
    MAIL_DEFAULT_SENDER = "Storefront <orders@storefront.example>"
    MAIL_TIMEOUT = 10
    SHOP_URL = "http://127.0.0.1:5000"  # the links in mails


# Plain environment variable names that ops scripts set (SPEC.md, "Ops and developers").
ENV_NAMES = {
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "REDIS_URL": "REDIS_URL",
    "REDIS_SENTINELS": "REDIS_SENTINELS",
    "REDIS_MASTER_NAME": "REDIS_MASTER_NAME",
    "REDIS_CACHE_URL": "REDIS_CACHE_URL",
    "REDIS_CACHE_MASTER_NAME": "REDIS_CACHE_MASTER_NAME",
    "SECRET_KEY": "SECRET_KEY",
    "MEDIA_ROOT": "MEDIA_ROOT",
    "STATIC_PAGES_DIR": "STATIC_PAGES_DIR",
    "SEARCH_INDEX_DIR": "SEARCH_INDEX_DIR",
    "ALLOWED_HOSTS": "ALLOWED_HOSTS",
    "SERVER_NAME": "SERVER_NAME",
    "MAIL_SERVER": "MAIL_SERVER",
    "MAIL_PORT": "MAIL_PORT",
    "MAIL_DEFAULT_SENDER": "MAIL_DEFAULT_SENDER",
    "SHOP_TIMEZONE": "SHOP_TIMEZONE",
}


def load_config(app: Flask, overrides: Mapping | None) -> None:
    """Fill ``app.config``: defaults < environment < ``FLASK_*`` < the caller's mapping."""
    app.config.from_object(Defaults)
    for env_name, key in ENV_NAMES.items():
        if os.environ.get(env_name):
            app.config[key] = os.environ[env_name]
    app.config.from_prefixed_env()
    if overrides:
        app.config.update(overrides)
    _derive(app)


class ConfigError(RuntimeError):
    """A setting that the shop cannot run without is missing or wrong."""


def _derive(app: Flask) -> None:
    """Settings that follow from others once every source has spoken."""
    cfg = app.config
    on_services = bool(cfg["SQLALCHEMY_DATABASE_URI"] or cfg["REDIS_URL"]
                       or cfg["REDIS_SENTINELS"])
    if on_services and cfg["SECRET_KEY"] == DEV_SECRET_KEY and not cfg["TESTING"]:
        raise ConfigError(
            "SECRET_KEY is not set. Outside the embedded defaults it signs every session and "
            "CSRF token, so set it, e.g.: export SECRET_KEY=$(python -c "
            "'import secrets; print(secrets.token_hex(32))')"
        )
    if not cfg["SQLALCHEMY_DATABASE_URI"]:
        cfg["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(
            app.instance_path, "storefront.sqlite"
        )
    cfg.setdefault("MEDIA_ROOT", None)
    cfg["MEDIA_ROOT"] = cfg["MEDIA_ROOT"] or os.path.join(app.instance_path, "media")
    cfg["STATIC_PAGES_DIR"] = cfg["STATIC_PAGES_DIR"] or os.path.join(
        app.instance_path, "static_pages"
    )
    cfg["SEARCH_INDEX_DIR"] = cfg["SEARCH_INDEX_DIR"] or os.path.join(app.instance_path, "search")
    if cfg["REDIS_SNAPSHOT_PATH"] is None:
        cfg["REDIS_SNAPSHOT_PATH"] = ("" if cfg["TESTING"] else
                                      os.path.join(app.instance_path, "redis-standin.snapshot"))
    if cfg.get("TRUSTED_HOSTS") is None:
        cfg["TRUSTED_HOSTS"] = allowed_hosts(cfg["ALLOWED_HOSTS"], cfg.get("SERVER_NAME"))
    _derive_mail(app)
    redis_url = cfg["REDIS_URL"]
    sentinels = sentinel_addresses(cfg["REDIS_SENTINELS"])
    on_redis = bool(redis_url or sentinels)
    if cfg["REDIS_WAIT_REPLICAS"] is None:
        cfg["REDIS_WAIT_REPLICAS"] = 1 if sentinels else 0
    _derive_cache(cfg, redis_url, sentinels)
    if cfg["CELERY_TASK_ALWAYS_EAGER"] is None:
        cfg["CELERY_TASK_ALWAYS_EAGER"] = not on_redis
    cfg["NODE_NAME"] = cfg["NODE_NAME"] or (socket.gethostname()
                                            if cfg["PAGES_BROADCAST_QUEUE"] else "")
    from storefront.celery_settings import celery_settings  # it imports this module

    cfg.setdefault("CELERY", celery_settings(cfg, redis_url, sentinels))


def _derive_cache(cfg: Config, redis_url: str, sentinels: list[tuple[str, int]]) -> None:
    """Flask-Caching's settings, on the Redis the app uses (or in process without one)."""
    if "CACHE_TYPE" not in cfg:
        timeouts = redis_timeouts(cfg)
        if sentinels:
            cfg["CACHE_TYPE"] = "storefront.redis_store.SentinelCache"
            cfg["CACHE_REDIS_SENTINELS"] = sentinels
            cfg["CACHE_REDIS_SENTINEL_MASTER"] = (cfg["REDIS_CACHE_MASTER_NAME"]
                                                  or cfg["REDIS_MASTER_NAME"])
            cfg.setdefault("CACHE_OPTIONS", {**timeouts, **{f"sentinel_{k}": v
                                                            for k, v in timeouts.items()}})
        elif redis_url:
            cfg["CACHE_TYPE"] = "RedisCache"
            cfg["CACHE_REDIS_URL"] = cfg["REDIS_CACHE_URL"] or redis_url
            cfg.setdefault("CACHE_OPTIONS", timeouts)
        else:
            cfg["CACHE_TYPE"] = "SimpleCache"


def redis_timeouts(cfg: Mapping) -> dict[str, float]:
    """redis-py's timeouts from ``REDIS_TIMEOUT_SECONDS``, for every client the app makes."""
    seconds = float(cfg["REDIS_TIMEOUT_SECONDS"])
    return {"socket_connect_timeout": seconds, "socket_timeout": seconds}


def _derive_mail(app: Flask) -> None:
    cfg = app.config
    cfg["MAIL_PORT"] = int(cfg["MAIL_PORT"])
    if not cfg.get("MAIL_BACKEND"):
        cfg["MAIL_BACKEND"] = ("smtp" if cfg["MAIL_SERVER"] else
                               "locmem" if cfg["TESTING"] else "file")
    cfg.setdefault("MAIL_FILE_PATH", os.path.join(app.instance_path, "outbox"))


def allowed_hosts(spec: str | list[str], server_name: str | None) -> list[str] | None:
    """``ALLOWED_HOSTS`` (or SERVER_NAME's host) as Flask's TRUSTED_HOSTS; None: any host.
    ``localhost`` stays allowed: the page layer renders shared pages in a request context of
    its own under that name (services/pages/render.py), and it points nowhere an attacker
    could use."""
    hosts = spec.split(",") if isinstance(spec, str) else list(spec or ())
    hosts = [h.strip() for h in hosts if h.strip()]
    if not hosts and server_name:
        hosts = [server_name.rsplit(":", 1)[0] if not server_name.endswith("]")
                 else server_name]
    return [*hosts, "localhost"] if hosts else None


def sentinel_addresses(spec: str) -> list[tuple[str, int]]:
    """``REDIS_SENTINELS`` ("host:port,host:port") as (host, port) pairs."""
    addresses = []
    for item in filter(None, (part.strip() for part in spec.split(","))):
        host, _, port = item.rpartition(":")
        if not host or not port.isdigit():
            raise ConfigError(f"REDIS_SENTINELS: {item!r} is not host:port")
        addresses.append((host.strip("[]"), int(port)))
    return addresses
