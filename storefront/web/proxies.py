"""Trusted proxies by address: X-Forwarded-* count only when the direct peer is one of them.

``TRUSTED_PROXIES`` is a comma-separated list of addresses and networks (``127.0.0.1,::1``,
``10.0.0.0/8``); empty trusts nobody. A client that connects to gunicorn directly can then
write any X-Forwarded-For it likes: it is ignored, and the throttle sees the real peer.

Behind trusted proxies the client is the right-most address of X-Forwarded-For that is not
itself a trusted proxy (each proxy appends the address it saw). werkzeug's ProxyFix does the
rewriting; this only decides whether it runs and over how many hops.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

from werkzeug.middleware.proxy_fix import ProxyFix

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(value: str | int | Iterable[str] | None) -> tuple[Network, ...]:
    """``TRUSTED_PROXIES`` as networks; ValueError names an entry that is not an address."""
    if isinstance(value, int):  # FLASK_TRUSTED_PROXIES=1 arrives as a number
        value = str(value)
    items = value.split(",") if isinstance(value, str) else list(value or ())
    networks = []
    for item in (str(i).strip() for i in items):
        if not item:
            continue
        if item.isdigit():  # the old meaning: a number of hops
            raise ValueError(f"TRUSTED_PROXIES={item!r} is a hop count; it is now a list of "
                             "proxy addresses, e.g. 127.0.0.1,::1")
        networks.append(ipaddress.ip_network(item, strict=False))
    return tuple(networks)


class TrustedProxies:
    """WSGI middleware: ProxyFix for requests from a trusted peer, the plain app otherwise."""

    def __init__(self, app, networks: tuple[Network, ...]) -> None:
        self.app, self.networks = app, networks
        # one ProxyFix per hop count; they hold nothing but the counts
        self._fix = lru_cache(maxsize=8)(
            lambda hops: ProxyFix(app, x_for=hops, x_proto=1, x_host=1))

    def trusted(self, address: str | None) -> bool:
        try:
            ip = ipaddress.ip_address((address or "").strip())
        except ValueError:
            return False
        return any(ip in net for net in self.networks)

    def hops(self, forwarded_for: str) -> int:
        """How many X-Forwarded-For entries, from the right, to walk to reach the client."""
        entries = [e.strip() for e in forwarded_for.split(",") if e.strip()]
        hops = 1
        while hops < len(entries) and self.trusted(entries[-hops]):
            hops += 1
        return hops

    def __call__(self, environ: dict, start_response):
        if not self.trusted(environ.get("REMOTE_ADDR")):
            return self.app(environ, start_response)
        hops = self.hops(environ.get("HTTP_X_FORWARDED_FOR", ""))
        return self._fix(hops)(environ, start_response)
