"""Redis through Sentinel (REDIS_SENTINELS, REDIS_MASTER_NAME) on a master, a replica and
three Sentinels of the test's own, on loopback: all four Redis users find the master, a cart
write answers success only once the replica holds it, and a failover keeps every such write.
(REDIS_URL alone is what the rest of the suite runs on.)"""

from __future__ import annotations

import signal
import statistics
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from flask import Flask

from devtools.sentinels import SentinelSet
from storefront import create_app
from storefront.config import ConfigError
from storefront.extensions import cache, redis_store
from storefront.services.accounts import throttle
from storefront.services.cart import shopper


class SharedSet:
    """One Sentinel set for the module's tests (each app has a key prefix of its own), started
    again only after a test has broken it (a replica stopped, a master killed)."""

    def __init__(self, workdir: Path) -> None:
        self.workdir, self.current, self.started = workdir, None, 0

    def get(self) -> SentinelSet:
        if self.current is None:
            self.started += 1
            folder = self.workdir / f"set-{self.started}"
            folder.mkdir()
            self.current = SentinelSet(folder)
            try:
                self.current.start()
            except BaseException:
                self.close()
                raise
        return self.current

    def keep_if_whole(self) -> None:
        redis_set = self.current
        if redis_set is None:
            return
        master, replica = redis_set.redis_ports
        try:
            whole = (all(proc.running for proc in redis_set.procs.values())
                     and len(redis_set.procs) == 5 and redis_set.master_port() == master
                     and redis_set.client(replica).info("replication")["master_link_status"]
                     == "up")
        except (redis.RedisError, OSError):
            whole = False
        if not whole:
            self.close()

    def close(self) -> None:
        if self.current is not None:
            self.current.stop()
            self.current = None


@pytest.fixture(scope="module")
def sentinel_sets(tmp_path_factory) -> Iterator[SharedSet]:
    shared = SharedSet(tmp_path_factory.mktemp("sentinels"))
    yield shared
    shared.close()


@pytest.fixture
def sentinels(sentinel_sets: SharedSet) -> Iterator[SentinelSet]:
    yield sentinel_sets.get()
    sentinel_sets.keep_if_whole()


def make_app(sentinels: SentinelSet, tmp_path, **overrides: object) -> Flask:
    return create_app({
        "TESTING": True, "REDIS_SENTINELS": sentinels.sentinels,
        "REDIS_MASTER_NAME": sentinels.master_name,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'shop.sqlite'}",
        "REDIS_KEY_PREFIX": f"t{uuid.uuid4().hex[:8]}:", **overrides})


def test_the_client_cache_throttle_and_broker_all_reach_the_master(sentinels, tmp_path):
    app = make_app(sentinels, tmp_path)
    master = sentinels.client(sentinels.master_port())
    with app.app_context():
        prefix = app.config["REDIS_KEY_PREFIX"]
        redis_store.client.set(f"{prefix}probe", "client")
        cache.set("probe", "cache")
        throttle.failed("mallory", "192.0.2.1")
        celery = app.extensions["celery"]
        with celery.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1)
            assert conn.default_channel.client.ping()
    assert master.get(f"{prefix}probe") == "client"
    assert master.keys(f"{app.config['CACHE_KEY_PREFIX']}probe")
    assert any("mallory" in key for key in master.keys("*login*"))
    assert app.config["CELERY"]["broker_url"].startswith("sentinel://")
    assert app.config["CELERY"]["broker_transport_options"]["master_name"] == "storefront"
    assert app.config["REDIS_WAIT_REPLICAS"] == 1 and not app.config["CELERY_TASK_ALWAYS_EAGER"]


def test_a_cart_write_is_refused_while_the_replica_cannot_acknowledge_it(sentinels, tmp_path):
    app = make_app(sentinels, tmp_path)
    replica = sentinels.procs[sentinels.redis_ports[1]]
    with app.app_context():
        assert shopper.add_to_cart(shopper.user_cart(7), 1, 1, stock=100) == 1
        replica.popen.send_signal(signal.SIGSTOP)  # connected, but acknowledges nothing
        try:
            with pytest.raises(shopper.StoreUnavailable):
                shopper.add_to_cart(shopper.user_cart(7), 1, 1, stock=100)
        finally:
            replica.popen.send_signal(signal.SIGCONT)
        # no replica at all (the failover promoted the only one): nothing could be
        # promoted over the write, so the master alone keeps it
        replica.stop(timeout=5)
        master = sentinels.client(sentinels.master_port())
        deadline = time.monotonic() + 10
        while master.info("replication")["connected_slaves"] and time.monotonic() < deadline:
            time.sleep(0.05)
        assert shopper.add_to_cart(shopper.user_cart(7), 1, 1, stock=100) == 3


def test_what_waiting_for_the_replica_costs(sentinels, tmp_path):
    """Not a limit (the machine is shared), a figure for the README: add-to-cart's Redis
    part with and without WAIT."""
    timings = {}
    for replicas in (0, 1):
        app = make_app(sentinels, tmp_path, REDIS_WAIT_REPLICAS=replicas)
        with app.app_context():
            runs = []
            for n in range(200):
                started = time.perf_counter()
                shopper.add_to_cart(shopper.user_cart(1), n % 20 + 1, 1, stock=10_000)
                runs.append(time.perf_counter() - started)
            timings[replicas] = (statistics.median(runs) * 1000,
                                 sorted(runs)[int(len(runs) * 0.99)] * 1000)
    (plain, plain99), (waited, waited99) = timings[0], timings[1]
    print(f"add_to_cart ms (median, p99): without WAIT {plain:.2f}, {plain99:.2f}; "
          f"with WAIT 1 {waited:.2f}, {waited99:.2f}")
    assert timings[1][0] < 50


def test_a_failover_keeps_every_acknowledged_cart_write(sentinels, tmp_path):
    app = make_app(sentinels, tmp_path)
    with app.app_context():
        for _ in range(50):
            # each answered success: acknowledged
            shopper.add_to_cart(shopper.user_cart(3), 9, 1, stock=1000)
        old = sentinels.kill_master()
        sentinels.wait_for_new_master(old)
        deadline = time.monotonic() + 15
        while True:  # the client finds the promoted master by itself
            try:
                count = shopper.add_to_cart(shopper.user_cart(3), 9, 1, stock=1000)
                break
            except shopper.StoreUnavailable:
                assert time.monotonic() < deadline, "no cart write after the failover"
                time.sleep(0.1)
    assert count == 51


@pytest.mark.parametrize("spec", ["127.0.0.1", "127.0.0.1:port", ":26379", "a:1,,b"])
def test_a_malformed_sentinel_list_stops_the_app_with_its_reason(spec, tmp_path):
    with pytest.raises(ConfigError, match="REDIS_SENTINELS"):
        create_app({"TESTING": True, "REDIS_SENTINELS": spec,
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 's.sqlite'}"})
