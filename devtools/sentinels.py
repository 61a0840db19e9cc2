"""A Redis master, one replica and three Sentinels of our own (``redis-server`` and
``redis-server --sentinel`` with config files in a work folder, on free ports), for the
cluster, its tests and the bench. The machine's shared Redis is never touched.

Bound to one address of this machine, without a password: protected mode (loopback only)
is off. Fast failure detection (``down-after-milliseconds`` 1000) so a failover fits in a test. No
persistence: a killed master must not come back on its own as an empty master; Sentinel
makes it a replica of the promoted one when it is started again (``restart``).
"""

from __future__ import annotations

import signal
import time
from pathlib import Path

import redis
from redis.sentinel import Sentinel

from devtools.servers import HOST, Process, ServerError, free_port, port_open, start

MASTER_NAME = "storefront"
DOWN_AFTER_MS = 1000
FAILOVER_TIMEOUT_MS = 5000


class SentinelSet:
    """Master, replica and sentinels bound to ``host`` (an address every node can reach:
    the Sentinels announce it as the master's)."""

    def __init__(self, workdir: Path, host: str = HOST, master_name: str = MASTER_NAME) -> None:
        self.workdir, self.host, self.master_name = workdir, host, master_name
        self.redis_ports = [free_port(), free_port()]  # [first master, first replica]
        self.sentinel_ports = [free_port() for _ in range(3)]
        self.procs: dict[int, Process] = {}

    @property
    def sentinels(self) -> str:
        """The REDIS_SENTINELS value."""
        return ",".join(f"{self.host}:{port}" for port in self.sentinel_ports)

    def start(self, timeout: float = 20) -> None:
        master, replica = self.redis_ports
        self._redis(master)
        self._redis(replica, replica_of=master)
        for port in self.sentinel_ports:
            conf = self.workdir / f"sentinel-{port}.conf"
            conf.write_text(
                f"port {port}\nbind {self.host}\nprotected-mode no\ndir {self.workdir}\n"
                f"sentinel announce-ip {self.host}\n"
                f"sentinel monitor {self.master_name} {self.host} {master} 2\n"
                f"sentinel down-after-milliseconds {self.master_name} {DOWN_AFTER_MS}\n"
                f"sentinel failover-timeout {self.master_name} {FAILOVER_TIMEOUT_MS}\n"
                f"sentinel parallel-syncs {self.master_name} 1\n")
            self.procs[port] = start(f"sentinel {port}", ["redis-server", str(conf), "--sentinel"],
                                     log_path=self.workdir / f"sentinel-{port}.log")
        deadline = time.monotonic() + timeout
        while not self._replica_known():
            if time.monotonic() > deadline:
                raise ServerError("sentinels did not see the master and its replica:\n"
                                  + "\n".join(p.log() for p in self.procs.values()))
            time.sleep(0.1)

    def _redis(self, port: int, replica_of: int | None = None) -> None:
        cmd = ["redis-server", "--port", str(port), "--bind", self.host, "--save", "",
               "--appendonly", "no", "--dir", str(self.workdir), "--protected-mode", "no",
               "--replica-announce-ip", self.host]
        if replica_of:
            cmd += ["--replicaof", self.host, str(replica_of)]
        self.procs[port] = start(f"redis {port}", cmd, log_path=self.workdir / f"redis-{port}.log")
        self.procs[port].wait_until(lambda: port_open(port, self.host), 10, f"redis on {port}")

    def client(self, port: int) -> redis.Redis:
        return redis.Redis(self.host, port, socket_timeout=1, decode_responses=True)

    def _replica_known(self) -> bool:
        try:
            master = self.client(self.master_port())
            links = [self.client(p).info("replication").get("master_link_status")
                     for p in self.redis_ports if p != self.master_port()]
            return (master.info("replication")["connected_slaves"] >= 1 and links == ["up"]
                    and all(self._sentinel().discover_slaves(self.master_name)
                            for _ in range(1)))
        except (redis.RedisError, OSError):
            return False

    def _sentinel(self) -> Sentinel:
        return Sentinel([(self.host, p) for p in self.sentinel_ports], socket_timeout=1)

    def master_port(self) -> int:
        """The port of the master as the Sentinels name it now."""
        return int(self._sentinel().discover_master(self.master_name)[1])

    def kill_master(self) -> int:
        """SIGKILL the master (no goodbye to its clients); returns its port."""
        port = self.master_port()
        proc = self.procs.pop(port)
        proc.popen.send_signal(signal.SIGKILL)
        proc.popen.wait(5)
        return port

    def wait_for_new_master(self, old: int, timeout: float = 20) -> float:
        """Seconds until the Sentinels name another master than ``old`` and it takes writes."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            try:
                port = self.master_port()
                if port != old and self.client(port).set("sentinel:probe", "1"):
                    return time.monotonic() - started
            except (redis.RedisError, OSError):
                pass
            time.sleep(0.05)
        raise ServerError(f"no new master after {timeout}s")

    def stop(self) -> None:
        for proc in self.procs.values():
            proc.stop(timeout=5)
        self.procs.clear()
