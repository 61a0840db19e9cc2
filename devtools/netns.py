"""Network namespaces and veth pairs on this machine (iproute2), for the web nodes of
deploy/cluster.py, and a TCP forwarder for services that listen on the host's loopback.

Layout of one run (``prefix``: unique per run, so runs side by side never meet):
- the services link ``<prefix>s0`` on the host, 10.A.0.1/24: Redis, the Sentinels and the
  database forwarder listen there (its twin ``<prefix>s1`` stays on the host, only to keep
  the link up);
- node i: namespace ``<prefix>n<i>``, veth ``<prefix>h<i>`` on the host (10.A.i.1/24) and
  ``eth0`` inside (10.A.i.2/24, default route via 10.A.i.1). The node reaches the services
  address through the host; nothing is forwarded between nodes or off the machine.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import subprocess
import uuid


class NetnsUnavailable(RuntimeError):
    """This machine cannot make network namespaces (no iproute2, not root, no kernel support)."""


def ip(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["ip", *args], capture_output=True, text=True, check=check)  # noqa: S603, S607


def check_available() -> None:
    """Raise NetnsUnavailable with the reason, after trying to make (and remove) one."""
    if shutil.which("ip") is None:
        raise NetnsUnavailable("iproute2's `ip` is not installed")
    probe = f"sfprobe{uuid.uuid4().hex[:6]}"
    try:
        result = ip("netns", "add", probe, check=False)
        if result.returncode:
            raise NetnsUnavailable(f"`ip netns add` failed: {result.stderr.strip()}")
    finally:
        ip("netns", "del", probe, check=False)


def _free_subnet() -> int:
    """A second octet A such that no address of this machine is in 10.A.0.0/16."""
    used = ip("-4", "-o", "addr").stdout
    for _ in range(50):
        a = random.randint(100, 250)  # noqa: S311 (not a secret)
        if f" 10.{a}." not in used:
            return a
    raise NetnsUnavailable("no free 10.x.0.0/16 subnet for the nodes")


class Network:
    def __init__(self) -> None:
        self.prefix = f"sf{uuid.uuid4().hex[:5]}"
        self.a = _free_subnet()
        self.services = f"10.{self.a}.0.1"
        self.namespaces: list[str] = []
        self.links: list[str] = []

    def create_services_link(self) -> str:
        host, twin = f"{self.prefix}s0", f"{self.prefix}s1"
        ip("link", "add", host, "type", "veth", "peer", "name", twin)
        self.links.append(host)
        ip("addr", "add", f"{self.services}/24", "dev", host)
        ip("link", "set", twin, "up")
        ip("link", "set", host, "up")
        return self.services

    def add_node(self, i: int) -> tuple[str, str, str]:
        """Namespace and veth of node ``i``: (namespace, node address, host-side address)."""
        ns, host, peer = f"{self.prefix}n{i}", f"{self.prefix}h{i}", f"{self.prefix}p{i}"
        ip("netns", "add", ns)
        self.namespaces.append(ns)
        ip("link", "add", host, "type", "veth", "peer", "name", peer)
        self.links.append(host)
        ip("link", "set", peer, "netns", ns)
        gateway, address = f"10.{self.a}.{i}.1", f"10.{self.a}.{i}.2"
        ip("addr", "add", f"{gateway}/24", "dev", host)
        ip("link", "set", host, "up")
        ip("-n", ns, "link", "set", "lo", "up")
        ip("-n", ns, "link", "set", peer, "name", "eth0")
        ip("-n", ns, "addr", "add", f"{address}/24", "dev", "eth0")
        ip("-n", ns, "link", "set", "eth0", "up")
        ip("-n", ns, "route", "add", "default", "via", gateway)
        return ns, address, gateway

    def remove(self) -> None:
        """Every process left in our namespaces, the namespaces, the links: gone."""
        for ns in self.namespaces:
            pids = ip("netns", "pids", ns, check=False).stdout.split()
            for pid in pids:
                with contextlib.suppress(ProcessLookupError, ValueError):
                    os.kill(int(pid), signal.SIGKILL)
            ip("netns", "del", ns, check=False)
        for link in self.links:
            ip("link", "del", link, check=False)  # already gone with its namespace: fine
        self.namespaces, self.links = [], []


def leftovers(prefix: str) -> list[str]:
    """Namespaces and links of a run that are still there (tests assert none)."""
    names = ip("netns", "list", check=False).stdout.split("\n")
    names += ip("-o", "link", check=False).stdout.split("\n")
    return [line for line in names if prefix in line]
