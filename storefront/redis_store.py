"""The Redis client for per-user data (cart, history), bound per app.

``REDIS_SENTINELS`` set: the master that those Sentinels name (redis-py's Sentinel), found
again after a failover. ``REDIS_URL`` set: one server. Either way short timeouts, so a dead
Redis costs a page little. Neither: an in-process fakeredis server, one per app, so the
embedded defaults need no service, kept on disk between runs (redis_standin.py).
"""

from __future__ import annotations

import logging
from typing import Any

import redis
from flask import Flask, current_app
from flask_caching.backends.rediscache import RedisSentinelCache
from redis.sentinel import Sentinel

from storefront import redis_keys, redis_standin
from storefront.config import redis_timeouts, sentinel_addresses

log = logging.getLogger(__name__)

class RedisStore:
    def init_app(self, app: Flask) -> None:
        url, sentinels = app.config["REDIS_URL"], sentinel_addresses(app.config["REDIS_SENTINELS"])
        timeouts = redis_timeouts(app.config)
        if sentinels:
            client = Sentinel(sentinels, sentinel_kwargs=timeouts, **timeouts).master_for(
                app.config["REDIS_MASTER_NAME"], decode_responses=True, health_check_interval=30)
        elif url:
            client = redis.Redis.from_url(url, decode_responses=True, health_check_interval=30,
                                          **timeouts)
        else:
            client, app.extensions["redis_snapshots"] = redis_standin.in_process(
                app.config["REDIS_SNAPSHOT_PATH"], float(app.config["REDIS_SNAPSHOT_SECONDS"]))
        app.extensions["redis_store"] = client

    @property
    def client(self) -> redis.Redis:
        return current_app.extensions["redis_store"]

    def script(self, name: str, source: str) -> redis.commands.core.Script:
        """A Lua script, registered once per app and client (EVALSHA from then on)."""
        scripts = current_app.extensions.setdefault("redis_scripts", {})
        script = scripts.get(name)
        if script is None or script.registered_client is not self.client:
            script = scripts[name] = self.client.register_script(source)
        return script

def acknowledged(client: redis.Redis) -> bool:
    """True once REDIS_WAIT_REPLICAS replicas hold every write made so far (WAIT), so a
    failover cannot lose it; call it after a write before answering success.

    WAIT counts the writes of its own connection, and a pooled client may hand the write and
    the WAIT different ones: a write of its own on the WAIT's connection (one pipeline, one
    connection) comes after the caller's in the replication stream, so its acknowledgement
    covers both. A master without any replica (after a failover promoted the only one) has
    nothing that could be promoted over the write: that counts as acknowledged, and logs."""
    wanted = current_app.config["REDIS_WAIT_REPLICAS"]
    if not wanted:
        return True
    with client.pipeline(transaction=False) as pipe:
        pipe.incr(redis_keys.acknowledged())
        pipe.wait(wanted, current_app.config["REDIS_WAIT_MS"])
        acks = pipe.execute()[1]
    if acks >= wanted:
        return True
    replicas = client.role()[2]
    if not replicas:
        log.warning("redis: no replica connected; a write is kept by the master alone")
        return True
    log.error("redis: %d of %d replicas acknowledged a write in %d ms", acks, wanted,
              current_app.config["REDIS_WAIT_MS"])
    return False


class SentinelCache(RedisSentinelCache):
    """Flask-Caching's Sentinel backend, reading from the master as well: a replica may be
    a moment behind an invalidation, and a page read there would come back stale."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._read_client = self._write_client
