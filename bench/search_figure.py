"""The search figure: /search through gunicorn on 200 categories x 50 SKUs (10,000 SKUs).

- Throughput: wrk cycling through the 20 judged queries of ``bench.search_engines``
  (English, Chinese, typos, two-word queries), straight to gunicorn, warm index.
- The same at 4 connections, and with no results pages kept (every request searches and
  renders) at 1 connection.
- Freshness: a staff rename committed in this process (which, as the committing node,
  updates the index after the commit), then /search polled through gunicorn until the
  renamed SKU is on the page: commit -> result, p50 and p99.
"""

from __future__ import annotations

import re
import time
from contextlib import ExitStack
from dataclasses import replace
from typing import Any
from urllib.parse import quote

from flask import Flask
from sqlalchemy import func, select

from bench import procs, wrk
from bench.client import Browser, expect_ok
from bench.search_engines import JUDGED, percentile
from bench.shop import Shop
from devtools.servers import HOST
from storefront.extensions import db
from storefront.models import GoodsSKU
from storefront.services.search import index as search_index

EDITS = 20
TARGET_P99_MS = 30.0
LAG_TARGET_S = 1.0


def measure(shop: Shop, app: Flask, load: wrk.Load, settings: procs.Gunicorn) -> dict[str, Any]:
    with app.app_context():
        skus = db.session.scalar(select(func.count()).select_from(GoodsSKU))
        start = time.perf_counter()
        search_index.reindex()
        reindex_s = time.perf_counter() - start
    paths = [f"/search?q={quote(q)}" for q, _ in JUDGED]
    with ExitStack() as stack:
        _, port = procs.gunicorn(stack, shop, "gunicorn-search", settings)
        browser = Browser(port)
        for path in paths:  # every query answers, with results
            reply = expect_ok(browser.get(path), path)
            if b'class="tile-link"' not in reply.body:
                raise RuntimeError(f"{path} found nothing")
        script = wrk.rotating_script(shop.workdir / "search.lua", paths)
        url = f"http://{HOST}:{port}/"
        wrk.run(url, load, load.warmup_s, script=script)
        result = wrk.combine([wrk.run(url, load, max(1, load.duration_s // 3), script=script)
                              for _ in range(3)])
        calm = wrk.run(url, replace(load, connections=4), max(2, load.duration_s // 2),
                       script=script)
        # the worker updates the index after a commit (tasks.update_search), as deployed;
        # started after the load runs, so its start (a warm of the pages) is not timed
        procs.worker(stack, shop)
        lags = freshness_lags(app, browser)
    with ExitStack() as stack:  # no kept pages: every request searches and renders
        _, port = procs.gunicorn(stack, shop, "gunicorn-search-cold", settings,
                                 FLASK_SEARCH_PAGES_KEPT="0")
        url = f"http://{HOST}:{port}/"
        cold = wrk.run(url, replace(load, threads=1, connections=1),
                       max(2, load.duration_s // 2), script=script)
    return {"skus": skus, "queries": len(paths), "reindex_s": reindex_s, **result.as_dict(),
            "calm": calm.as_dict(), "cold": cold.as_dict(),
            "lag_p50_s": percentile(lags, 50), "lag_p99_s": percentile(lags, 99),
            "met": result.p99_ms < TARGET_P99_MS and result.errors == 0
            and percentile(lags, 99) <= LAG_TARGET_S}


def freshness_lags(app: Flask, browser: Browser) -> list[float]:
    lags = []
    with app.app_context():
        sku = db.session.scalars(select(GoodsSKU).where(GoodsSKU.on_sale)
                                 .order_by(GoodsSKU.id.desc())).first()
        original = sku.name
        for n in range(EDITS + 1):  # the first waits for the worker's start: not counted
            word = f"quokka{n}x{int(time.time())}"
            sku.name = f"{original} {word}"
            # timed from before the commit: the worker updates the index after it, so the
            # lag counts the queue and that update too
            committed = time.perf_counter()
            db.session.commit()
            lag = wait_for(browser, word, sku.id, committed)
            if n:
                lags.append(lag)
        sku.name = original
        db.session.commit()
    return lags


def wait_for(browser: Browser, word: str, sku_id: int, since: float) -> float:
    link = re.compile(rf'href="/goods/{sku_id}"'.encode())
    while time.perf_counter() - since < 10:
        if link.search(browser.get(f"/search?q={word}").body):
            return time.perf_counter() - since
        time.sleep(0.005)
    raise RuntimeError(f"the renamed SKU {sku_id} was not found within 10 s")
