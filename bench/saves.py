"""Freshness through nginx, with a real Celery worker: staff save a SKU's price (as the admin
does: a flush the page layer collects, then the commit) and the bench asks nginx for the three pages
that show it (the homepage, the SKU's page, the list page holding it) as an anonymous visitor
would, until each shows the new price.

Timed: from just before ``commit()`` (so the commit's own time counts) to the first response
through nginx with the new price, for each page separately; and, beside it, to the moment
the worker has written the page's file again with that price. Each save waits until all
three files are back, so every save starts from nginx sending files. Burst: 50 saves 20 ms
apart, then the "page written key=..." lines the worker logged for each page.
"""

from __future__ import annotations

import http.client
import os
import statistics
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from flask import Flask

from bench import procs
from bench.figures import Paths
from bench.shop import Catalogue, Shop
from devtools import servers
from devtools.servers import HOST
from storefront.extensions import db
from storefront.models import GoodsSKU
from storefront.services.pages import files as page_files
from storefront.services.pages import renders as render_queue

SAVES, BURST, BURST_GAP_S = 40, 50, 0.02
TIMEOUT_S = 10.0
P99_TARGET_S, RENDERS_TARGET = 0.5, 5


@dataclass
class Page:
    """One page as nginx sends it to an anonymous visitor, and its file on disk."""

    name: str
    key: str
    path: str
    file: Path
    conn: http.client.HTTPConnection
    served: list[float | None] = field(default_factory=list)  # commit -> fresh via nginx
    written: list[float | None] = field(default_factory=list)  # commit -> fresh file

    def body(self) -> str:
        """The page through nginx on a kept-alive connection (no Accept-Encoding: text)."""
        for attempt in (1, 2):
            try:
                self.conn.request("GET", self.path, headers={"User-Agent": "storefront-bench"})
                return self.conn.getresponse().read().decode()
            except (OSError, http.client.HTTPException):
                self.conn.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def file_has(self, text: str) -> bool:
        try:
            return text in self.file.read_text()
        except FileNotFoundError:  # removed at the commit, not written again yet
            return False


def serve(stack: ExitStack, shop: Shop, cat: Catalogue, settings: procs.Gunicorn,
          name: str) -> tuple[servers.Process, list[Page]]:
    """gunicorn, nginx and a Celery worker for the bench's shop, and the three pages that
    show the bench's SKU, each on a kept-alive connection to nginx (closed with ``stack``)."""
    _, port = procs.gunicorn(stack, shop, name, settings)
    nginx_port = procs.shop_nginx(stack, shop, port)
    worker = procs.worker(stack, shop)
    shown = [Page(name, key, path, shop.static_pages / (page_files.stem(key) + ".html"),
                  http.client.HTTPConnection(HOST, nginx_port, timeout=10))
             for (name, path), key in zip(Paths.of(cat).named(), cat.keys, strict=True)]
    for page in shown:
        stack.callback(page.conn.close)
    return worker, shown


def measure(shop: Shop, app: Flask, cat: Catalogue, settings: procs.Gunicorn) -> dict[str, Any]:
    with ExitStack() as stack, app.app_context():
        worker, shown = serve(stack, shop, cat, settings, "gunicorn-saves")
        for n in range(SAVES):
            timed_save(cat.sku_id, f"{800 + n}.37", shown)
        before = renders(worker.log_path)
        last = burst(cat.sku_id, shown)
        time.sleep(render_queue.COALESCE_SECONDS + 1.5)  # a render still queued shows up
        after = renders(worker.log_path)
    counts = {page.name: after.get(page.key, 0) - before.get(page.key, 0) for page in shown}
    result: dict[str, Any] = {"saves": SAVES, "pages": {}, "burst_saves": BURST,
                              "burst_renders": counts, "burst_last_fresh_s": last,
                              "burst_met": max(counts.values()) <= RENDERS_TARGET}
    for page in shown:
        result["pages"][page.name] = {"served": summary(page.served),
                                      "written": summary(page.written)}
    result["met"] = all(p["served"]["p99_s"] is not None and p["served"]["p99_s"] <= P99_TARGET_S
                        for p in result["pages"].values())
    return result


def save(sku_id: int, price: str) -> float:
    """One staff save; the time just before its commit."""
    sku = db.session.get(GoodsSKU, sku_id)
    sku.price = Decimal(price)
    started = time.perf_counter()
    db.session.commit()
    return started


def timed_save(sku_id: int, price: str, shown: list[Page]) -> None:
    for page in shown:
        if price in page.body():
            raise RuntimeError(f"the price {price} is on {page.path} already: pick another")
    started = save(sku_id, price)
    served, written = watch(shown, price, started)
    for page in shown:
        page.served.append(served.get(page.name))
        page.written.append(written.get(page.name))


def watch(shown: list[Page], price: str, started: float,
          ) -> tuple[dict[str, float], dict[str, float]]:
    """Poll nginx and the files until every page shows ``price`` both ways (or time out):
    seconds since ``started`` per page."""
    served: dict[str, float] = {}
    written: dict[str, float] = {}
    seen: dict[str, tuple[int, int] | None] = {}
    while time.perf_counter() < started + TIMEOUT_S and (
            len(served) < len(shown) or len(written) < len(shown)):
        for page in shown:
            if page.name not in served and price in page.body():
                served[page.name] = time.perf_counter() - started
            if page.name not in written:
                try:
                    st = os.stat(page.file)
                    stamp: tuple[int, int] | None = (st.st_ino, st.st_mtime_ns)
                except FileNotFoundError:
                    stamp = None
                if stamp and stamp != seen.get(page.name) and page.file_has(price):
                    written[page.name] = time.perf_counter() - started
                seen[page.name] = stamp
        time.sleep(0.002)
    return served, written


def burst(sku_id: int, shown: list[Page]) -> float | None:
    """``BURST`` saves back to back; seconds from the last commit until its price is on
    every page through nginx and in every file."""
    started = 0.0
    for n in range(BURST):
        started = save(sku_id, f"{700 + n}.73")
        time.sleep(BURST_GAP_S)
    served, written = watch(shown, f"{700 + BURST - 1}.73", started)
    if len(served) < len(shown) or len(written) < len(shown):
        return None
    return max(written.values())


def renders(log: Path) -> dict[str, int]:
    """How many times the worker logged "page written key=<key>", per key."""
    counts: dict[str, int] = {}
    for line in log.read_text(errors="replace").splitlines():
        _, marker, rest = line.partition("page written key=")
        if marker:
            key = rest.split()[0] if rest.split() else ""
            counts[key] = counts.get(key, 0) + 1
    return counts


def summary(values: list[float | None]) -> dict[str, Any]:
    ok = [v for v in values if v is not None]
    timeouts = len(values) - len(ok)
    return {"p50_s": statistics.median(ok) if ok else None,
            "p99_s": percentile(ok, 99) if ok and not timeouts else None,  # a timeout fails it
            "max_s": max(ok) if ok else None, "timeouts": timeouts}


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile: of 40 values, p99 is the largest."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]
