"""Redis by role (issue 21, class 2): what must not be lost (carts, throttles, the broker,
the change log) on REDIS_URL, with noeviction; what may be evicted (the page cache's
entries) on REDIS_CACHE_URL, with allkeys-lru. One client cannot fill the first with
anonymous carts, and deleting a SKU finds its carts without a scan of the keyspace.

Each test that sizes or fills a Redis runs a redis-server of its own; the machine's shared
Redis is never reconfigured.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator

import pytest
import redis

from storefront import redis_keys
from storefront.extensions import db, redis_store
from storefront.models import GoodsSKU
from tests import servers
from tests.conftest import require_service, sign_in
from tests.helpers import text

SAME_SITE = {"Sec-Fetch-Site": "same-origin"}
ATTEMPTS = int(os.environ.get("CART_ATTEMPTS", "1500"))  # the figure: 10000


class Redis:
    """A redis-server of the test's own with these settings, on a free port."""

    def __init__(self, *args: str) -> None:
        self.port = servers.free_port()
        self.url = f"redis://{servers.HOST}:{self.port}/0"
        try:
            self.proc = subprocess.Popen(  # noqa: S603
                ["redis-server", "--port", str(self.port), "--bind", servers.HOST,  # noqa: S607
                 "--save", "", "--appendonly", "no", *args],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except FileNotFoundError as exc:
            require_service("redis-server", exc)
        deadline = time.monotonic() + 10
        while not servers.port_open(self.port):
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)
        self.client = redis.Redis.from_url(self.url, decode_responses=True)

    def stop(self) -> None:
        self.client.close()
        self.proc.terminate()
        self.proc.wait(10)


@pytest.fixture
def keep() -> Iterator[Redis]:
    server = Redis("--maxmemory", "64mb", "--maxmemory-policy", "noeviction")
    yield server
    server.stop()


@pytest.fixture
def evictable() -> Iterator[Redis]:
    server = Redis("--maxmemory", "8mb", "--maxmemory-policy", "allkeys-lru")
    yield server
    server.stop()


@pytest.fixture
def app_config(app_config: dict, request: pytest.FixtureRequest) -> dict:
    """The test's own Redis for each role it asks for (``keep``, ``evictable``)."""
    config = dict(app_config)
    if "keep" in request.fixturenames:
        config["REDIS_URL"] = request.getfixturevalue("keep").url
        config["CELERY_TASK_ALWAYS_EAGER"] = True
    if "evictable" in request.fixturenames:
        config["REDIS_CACHE_URL"] = request.getfixturevalue("evictable").url
    return config


def add(client, sku_id: int, count: int = 1, address: str = "203.0.113.9"):
    return client.post("/cart/add", data={"sku_id": sku_id, "count": count},
                       headers=SAME_SITE, environ_base={"REMOTE_ADDR": address})


SERVICES = pytest.mark.parametrize("backend", ["services"], indirect=True)


@SERVICES
def test_pages_are_cached_on_the_evictable_redis_only(backend, app, client, shop, keep,
                                                      evictable):
    for path in ("/", f"/goods/{shop.apples}", f"/list/{shop.fruit}"):
        assert client.get(path).status_code == 200
    assert add(client, shop.apples).status_code == 302
    prefix = app.config["CACHE_KEY_PREFIX"]
    entries = [k for k in evictable.client.scan_iter(match=f"{prefix}*")]
    assert len(entries) >= 3, entries
    kept = list(keep.client.scan_iter())
    assert not [k for k in kept if k in entries]  # no entry on the Redis that must not lose
    assert any("cart_anon_" in k for k in kept)  # ... which holds the cart


@SERVICES
def test_a_full_redis_of_carts_refuses_adds_but_serves_pages(backend, app, client, shop,
                                                             keep, evictable):
    keep.client.config_set("maxmemory", "1")  # full: noeviction answers OOM to every write
    try:
        refused = add(client, shop.apples)
        assert refused.status_code == 503 and "try again" in text(refused)
        for path in ("/", f"/goods/{shop.apples}", f"/list/{shop.fruit}", "/cart"):
            assert client.get(path).status_code in (200, 503), path
        assert client.get("/").status_code == 200
    finally:
        keep.client.config_set("maxmemory", "64mb")


@SERVICES
def test_one_client_cannot_fill_redis_with_carts(backend, app, client, shop, keep):
    db.session.get(GoodsSKU, shop.apples).stock = 10_000
    db.session.commit()
    before = keep.client.info("memory")["used_memory"]
    answers: dict[int, int] = {}
    for _ in range(ATTEMPTS):  # no cookies: each one would be a new cart
        status = add(app.test_client(), shop.apples).status_code
        answers[status] = answers.get(status, 0) + 1
    carts = list(keep.client.scan_iter(match=f"{app.config['REDIS_KEY_PREFIX']}cart_anon_*"))
    grown = keep.client.info("memory")["used_memory"] - before
    print(f"\n{ATTEMPTS} cart attempts from one address: answers {answers}, "
          f"{len(carts)} carts, Redis used_memory +{grown:,} bytes")
    assert len(carts) == answers[302] == 30  # NEW_CARTS_PER_ADDRESS: 30 per hour
    assert answers[429] == ATTEMPTS - 30
    assert all(keep.client.ttl(k) <= 24 * 3600 for k in carts)  # one-visit carts
    assert grown < 1_000_000
    # another address still gets its cart
    assert add(app.test_client(), shop.apples, address="198.51.100.20").status_code == 302


def test_a_one_visit_cart_lives_a_day_until_it_is_used_again(backend, app, client, shop):
    assert add(client, shop.apples).status_code == 302
    (key,) = redis_store.client.scan_iter(match=f"{app.config['REDIS_KEY_PREFIX']}cart_anon_*")
    assert 23 * 3600 < redis_store.client.ttl(key) <= 24 * 3600
    assert add(client, shop.prawns).status_code == 302  # a second visit
    assert 29 * 86400 < redis_store.client.ttl(key) <= 30 * 86400


@SERVICES
def test_deleting_a_sku_finds_its_carts_without_a_scan(backend, app, client, user, shop,
                                                       keep):
    for address in ("192.0.2.1", "192.0.2.2"):
        assert add(app.test_client(), shop.prawns, address=address).status_code == 302
    assert add(client, shop.apples).status_code == 302
    assert add(client, shop.prawns).status_code == 302
    assert sign_in(client).status_code == 302  # merged: the account's cart holds both
    keep.client.config_resetstat()
    db.session.delete(db.session.get(GoodsSKU, shop.prawns))
    db.session.commit()
    assert "cmdstat_scan" not in keep.client.info("commandstats")
    prefix = app.config["REDIS_KEY_PREFIX"]
    for key in keep.client.scan_iter(match=f"{prefix}cart_*"):
        if keep.client.type(key) == "hash":
            assert str(shop.prawns) not in keep.client.hgetall(key), key
    assert keep.client.hgetall(redis_keys.cart(user.id)) == {str(shop.apples): "1"}
