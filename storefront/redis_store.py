"""The Redis client for per-user data (cart, history), bound per app.

``REDIS_URL`` set: a real client with short timeouts, so a dead Redis costs a page little.
Unset: an in-process fakeredis server, one per app, so the embedded defaults need no service.
"""

from __future__ import annotations

import fakeredis
import redis
from flask import Flask, current_app


class RedisStore:
    def init_app(self, app: Flask) -> None:
        url = app.config["REDIS_URL"]
        if url:
            client = redis.Redis.from_url(
                url,
                decode_responses=True,
                socket_connect_timeout=0.5,
                socket_timeout=0.5,
                health_check_interval=30,
            )
        else:
            client = fakeredis.FakeRedis(server=fakeredis.FakeServer(), decode_responses=True)
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
