"""What each kind of staff edit costs the page layer on the bench's catalogue (issue 22,
item 2): the pages it made stale and the page files written again, per kind of edit (a
price, a name, a stock band, a banner, a new SKU, a SKU off sale, a category rename), in
this process with tasks inline (devtools/page_edits.py;
tests/services/pages/test_page_edits.py holds the same counts on a small shop). Every
page's files are written first, as warming does.
"""

from __future__ import annotations

import time
from typing import Any

from bench.shop import Shop
from devtools import page_edits

PRICE_FILES_TARGET = 12  # a price edit of a SKU no homepage slot shows


def measure(shop: Shop) -> dict[str, Any]:
    app = shop.app(CELERY_TASK_ALWAYS_EAGER=True)
    with app.app_context():
        started = time.perf_counter()
        pages = page_edits.publish_all()
        warm_s = time.perf_counter() - started
        sku_id = page_edits.plain_sku()
        costs = {kind: vars(cost) for kind, cost in page_edits.costs(sku_id).items()}
    return {"pages": pages, "warm_s": warm_s, "sku_id": sku_id, "edits": costs,
            "met": costs["price"]["files"] <= PRICE_FILES_TARGET}


def line(found: dict[str, Any]) -> str:
    each = "; ".join(f"{kind} {c['stale']} stale / {c['files']} files"
                     for kind, c in found["edits"].items())
    return (f"Edits: of {found['pages']} pages (all written in {found['warm_s']:.0f} s), each "
            f"kind of edit made stale / rewrote: {each}. Target: a price edit of a SKU on no "
            f"homepage slot rewrites <= {PRICE_FILES_TARGET} files; met: "
            f"{'yes' if found['met'] else 'NO'}.")
