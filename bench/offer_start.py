"""What an offer's start costs, through nginx with a real Celery worker and the guards
(storefront/services/offers/schedule.py): 30 % off the category of the bench's SKU, starting
a few seconds after the pages' files are written. Timed from the start itself: until each of
the three pages shows the offer price through nginx (served), and until the worker has
written its file again at that price (written). Counted: the renders the worker logged in
the 5 s after the start, for those pages and for all pages (every page showing a SKU of
the category goes at the start: its homepage row, its SKUs' pages, its list pages).
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask

from bench import procs
from bench.saves import Page, renders, serve
from bench.shop import Catalogue, Shop
from storefront.extensions import db
from storefront.models import GoodsSKU
from storefront.services.offers import manage, prices
from storefront.services.pages import render as pages

LEAD_S, COUNT_S, TIMEOUT_S = 4, 5.0, 10.0


def measure(shop: Shop, app: Flask, cat: Catalogue, settings: procs.Gunicorn) -> dict[str, Any]:
    with ExitStack() as stack, app.app_context():
        worker, shown = serve(stack, shop, cat, settings, "gunicorn-offers")
        sku = db.session.get(GoodsSKU, cat.sku_id)
        starts = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=LEAD_S + 1)
        manage.create("Bench offer", percent=30, category_id=sku.category_id,
                      starts=starts.isoformat(), ends=(starts + timedelta(hours=1)).isoformat())
        for page in shown:  # the files as the worker writes them before the start
            pages.publish(page.key)
        offer_price = str(prices.price_of(sku, at=starts))
        while datetime.now(UTC) < starts:
            time.sleep(0.005)
        before = renders(worker.log_path)
        served, written = _watch(shown, offer_price, starts.timestamp())
        time.sleep(max(0.0, starts.timestamp() + COUNT_S - time.time()))
        after = renders(worker.log_path)
    counted = {k: after.get(k, 0) - before.get(k, 0) for k in after}
    return {"served_s": served, "written_s": written,
            "renders_shown_pages": {p.name: counted.get(p.key, 0) for p in shown},
            "renders_all": sum(counted.values()),
            "met": len(served) == len(shown) and max(served.values()) <= 1.0}


def _watch(shown: list[Page], price: str, boundary: float
           ) -> tuple[dict[str, float], dict[str, float]]:
    """Each page polled by a thread of its own (a slow render of one must not delay the look
    at another): seconds after ``boundary`` until nginx sent it at ``price``, and until its
    file on disk had that price."""
    def one(page: Page) -> tuple[float | None, float | None]:
        served = written = None
        while time.time() < boundary + TIMEOUT_S and (served is None or written is None):
            asked = time.time()  # what the page was when the request left
            if served is None and price in page.body():
                served = asked - boundary
            if written is None and page.file_has(price):
                written = time.time() - boundary
            time.sleep(0.005)
        return served, written

    with ThreadPoolExecutor(len(shown)) as pool:
        found = dict(zip((p.name for p in shown), pool.map(one, shown), strict=True))
    return ({k: s for k, (s, _) in found.items() if s is not None},
            {k: w for k, (_, w) in found.items() if w is not None})


def line(result: dict[str, Any]) -> str:
    served = ", ".join(f"{k} {v:.3f}" for k, v in result["served_s"].items())
    written = ", ".join(f"{k} {v:.3f}" for k, v in result["written_s"].items())
    shown = ", ".join(f"{k} {v}" for k, v in result["renders_shown_pages"].items())
    return (f"Offer start (30 % off the category): offer price through nginx after the start "
            f"(s): {served}; the worker's new file (s): {written}; renders in the 5 s after: "
            f"{shown}, {result['renders_all']} pages in all; within 1 s: "
            f"{'yes' if result['met'] else 'NO'}.")
