"""SQL statements per request, read from the app itself: a gunicorn with
``FLASK_SQL_COUNT_HEADER=true`` answers every request with an ``X-SQL-Queries`` header.

Warm: the second of two identical requests. Cold: the page cache cleared (from this
process, the shop's own key prefix) right before the request. The cold homepage is counted
again after the catalogue grows from 20 to 200 categories: its count must not grow with it.
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import replace
from typing import Any

from flask import Flask

from bench import procs
from bench.client import Browser, expect_ok, sign_in
from bench.figures import Paths
from bench.shop import PASSWORD, USERNAME, Catalogue, Shop, grow
from storefront.services.pages import cache as page_cache
from storefront.services.pages import tags


def query_counts(shop: Shop, app: Flask, cat: Catalogue, settings: procs.Gunicorn,
                 big: int, skus_per_category: int) -> dict[str, Any]:
    paths = Paths.of(cat)
    pages = {"homepage": paths.home, "detail": paths.detail, "category list": paths.listing}
    with ExitStack() as stack:
        _, port = procs.gunicorn(stack, shop, "gunicorn-queries", replace(settings, workers=1),
                                 FLASK_SQL_COUNT_HEADER="true")
        visitors = {"anonymous": Browser(port),
                    "signed-in": sign_in(port, USERNAME, PASSWORD, [paths.detail])}
        counts = {f"{page}, {who}": {"warm": warm(browser, path),
                                     "cold": cold(app, browser, path)}
                  for page, path in pages.items() for who, browser in visitors.items()}
        fragment = {page: fragment_queries(visitors["signed-in"], path)
                    for page, path in pages.items()}
        small = {who: cold(app, browser, paths.home) for who, browser in visitors.items()}
        n_big = grow(app, big, skus_per_category)
        large = {who: cold(app, browser, paths.home) for who, browser in visitors.items()}
    same = small == large
    return {"pages": counts, "fragment": fragment,
            "fragment_met": max(fragment.values()) == 0,
            "cold_homepage": {"categories": [cat.categories, n_big], "small": small,
                              "large": large, "same": same},
            "detail_warm_met": (counts["detail, signed-in"]["warm"] <= 1
                                and counts["detail, anonymous"]["warm"] == 0)}


def warm(browser: Browser, path: str) -> int:
    expect_ok(browser.get(path), path)
    return expect_ok(browser.get(path), path).sql_queries


def cold(app: Flask, browser: Browser, path: str) -> int:
    with app.app_context():
        page_cache.invalidate([tags.ALL])  # every page carries "all"
    return expect_ok(browser.get(path), path).sql_queries


def fragment_queries(browser: Browser, page: str) -> int:
    """A signed-in visitor's ``page`` as nginx asks the app for it when the page has no file
    (``X-Edge: ssi``: the shared page, which nginx fills from the display cookies; the
    second call). A page with its file costs no Python at all."""
    for _ in range(2):
        reply = browser.get(page, {"X-Edge": "ssi"})
        if reply.status != 200 or b"<!--# echo" not in reply.body:
            raise RuntimeError(f"{page} for nginx: HTTP {reply.status} {reply.headers}")
    return reply.sql_queries
