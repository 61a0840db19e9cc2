"""An edit re-renders only what it changed (issue 22, item 2): each kind of staff edit,
through the admin's path (record the edit, commit), makes exactly these pages stale and
writes exactly these files again, counted on disk (devtools/page_edits.py, which the bench
runs on its bigger catalogue).

The shop: the synthetic demo of 2 categories x 30 SKUs (3 list pages per sort), families
of 3 SKUs, homepage slides and tiles; every page's files written first (85 pages).
"""

from __future__ import annotations

import pytest

from devtools import page_edits
from storefront import demo
from storefront.extensions import db
from storefront.models import GoodsSKU

pytestmark = pytest.mark.parametrize("backend", ["embedded"])  # the same counts on both

FILES_PER_PAGE = 3  # .html, its .gz and .br twins


@pytest.fixture
def shop(app):
    demo.seed(2, 30)
    assert page_edits.publish_all() == 85
    return page_edits.plain_sku()


def test_each_kind_of_edit_costs_what_it_shows(shop):
    sku = db.session.get(GoodsSKU, shop)
    assert db.session.query(GoodsSKU).filter(GoodsSKU.goods_id == sku.goods_id,
                                             GoodsSKU.id != shop).count() == 2  # siblings
    costs = page_edits.costs(shop)
    assert {kind: (c.stale, c.pages) for kind, c in costs.items()} == {
        # its page, the 2 siblings showing its price, the default and sales list pages
        # holding it, and in each price sort the page it stays on (a cent more moves it past
        # no other SKU: tests/services/pages/test_price_moves.py moves it further)
        "price": (7, 7),
        "name": (7, 7),  # its page, 2 siblings, one list page in each of the 4 sorts
        "stock band": (1, 1),  # its own page alone shows the band
        "banner": (1, 1),  # the homepage
        # every list page of the category (12) and every product page of it, whose "new
        # arrivals" box shows it (30); its own page is written when first asked for (item 7)
        "new SKU": (42, 42),
        # its page goes (no longer on sale), its 2 siblings, the category's 12 list pages
        "SKU off sale": (15, 14),
        # the nav is on every page: all 85 (less the SKU off sale, plus the newcomer's)
        "category rename": (85, 85),
    }
    assert all(c.files == c.pages * FILES_PER_PAGE for c in costs.values())
