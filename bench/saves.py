"""Freshness with a real Celery worker: staff saves a SKU's price (as the admin does:
``freshness.record_edit`` then the commit) and the bench watches STATIC_PAGES_DIR/index.html.

Timed: from just before ``commit()`` (so the commit's own time counts too) to the moment the
new price is in the file on disk, 50 saves spaced apart so each is measured alone. Burst: 50
saves 20 ms apart, then the number of "static homepage written" lines the worker logged.
"""

from __future__ import annotations

import os
import statistics
import time
from contextlib import ExitStack
from decimal import Decimal
from pathlib import Path
from typing import Any

from flask import Flask

from bench import procs
from bench.shop import Catalogue, Shop
from storefront import freshness
from storefront.extensions import db
from storefront.models import GoodsSKU

SAVES, SPACING_S, BURST_GAP_S = 50, 1.2, 0.02
TIMEOUT_S = 10.0
P99_TARGET_S = 1.0


def measure(shop: Shop, app: Flask, cat: Catalogue) -> dict[str, Any]:
    page = shop.static_pages / "index.html"
    with ExitStack() as stack, app.app_context():
        worker = procs.worker(stack, shop)
        seconds = [timed_save(cat.sku_id, f"{800 + n}.37", page) for n in range(SAVES)]
        before = renders(worker.log_path)
        last = burst(cat.sku_id, page)
        time.sleep(1.5)  # a render still queued after the last save shows up in the log
        count = renders(worker.log_path) - before
    ok = [s for s in seconds if s is not None]
    p50 = statistics.median(ok) if ok else None
    p99 = percentile(ok, 99) if len(ok) == len(seconds) else None  # a timeout fails it
    return {"saves": SAVES, "p50_s": p50, "p99_s": p99, "max_s": max(ok) if ok else None,
            "timeouts": len(seconds) - len(ok), "burst_saves": SAVES, "burst_renders": count,
            "burst_last_visible_s": last, "met": p99 is not None and p99 <= P99_TARGET_S}


def save(sku_id: int, price: str) -> float:
    """One staff save; the time just before its commit."""
    sku = db.session.get(GoodsSKU, sku_id)
    sku.price = Decimal(price)
    freshness.record_edit(db.session, sku)
    started = time.perf_counter()
    db.session.commit()
    return started


def timed_save(sku_id: int, price: str, page: Path) -> float | None:
    if price in page.read_text():
        raise RuntimeError(f"the price {price} is on the homepage already: pick another")
    started = save(sku_id, price)
    seen = wait_for(page, price, started + TIMEOUT_S)
    time.sleep(max(0.0, started + SPACING_S - time.perf_counter()))
    return None if seen is None else seen - started


def burst(sku_id: int, page: Path) -> float | None:
    """50 saves back to back; seconds from the last commit until its price is on disk."""
    started = 0.0
    for n in range(SAVES):
        started = save(sku_id, f"{700 + n}.73")
        time.sleep(BURST_GAP_S)
    seen = wait_for(page, f"{700 + SAVES - 1}.73", started + TIMEOUT_S)
    return None if seen is None else seen - started


def wait_for(page: Path, text: str, deadline: float) -> float | None:
    """When ``text`` is in the file (read only when a rename replaced it), or None."""
    last = None
    while time.perf_counter() < deadline:
        st = os.stat(page)
        if (st.st_ino, st.st_mtime_ns) != last:
            last = (st.st_ino, st.st_mtime_ns)
            if text in page.read_text():
                return time.perf_counter()
        time.sleep(0.002)
    return None


def renders(log: Path) -> int:
    return log.read_text(errors="replace").count("static homepage written")


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile: of 50 values, p99 is the largest."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]
