"""Which price-sorted list pages a SKU's price edit changed: those between its place before
the edit and its place after, in each price sort; the pages before and after those show the
same SKUs in the same order (the list is as long as before, and every other SKU kept its
price). So a price edit of a SKU in the middle of a long list re-renders the page or two it
moved over, not all of its category's price-sorted pages.

The places are counted after the commit (``crossed``, from ``freshness``'s after-commit
listener), in a session of its own that reads the rows as committed by then, with the same
function that orders the pages (``offers.prices.price_order``: the price paid now, offers
applied, ties by id). Counted from the transaction's own snapshot instead, two edits in one
category committed side by side would each count the other's SKU where it was, and a page
at the edge of one's stretch could stay stale; counted from the rows as they are after the
commit, every stretch is measured against what the next render reads. The place before is
the old price (``tags.price_moved``, from the flush's history) among the others as they are
now, under the offers that apply now (a page that showed other offers went stale when they
changed: an offer names its category's price tag, its start or end expires the page).
"""

from __future__ import annotations

import bisect
import logging
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from flask import current_app
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from storefront.extensions import db
from storefront.services import sorts
from storefront.services.offers import prices, rules
from storefront.services.pages import tags
from storefront.services.pages.keys import PageKey

log = logging.getLogger(__name__)

Moves = dict[int, tuple[int, Decimal]]  # SKU id -> (its category id, its price before)


def of_flush(flushed: Iterable[tuple[object, str]]) -> Moves:
    """The SKUs a flush repriced (and did not move out of their list): ``(row, kind)``, as
    ``freshness._collect`` lists them."""
    moved = (tags.price_moved(obj, kind) for obj, kind in flushed)
    return {m[0]: (m[1], m[2]) for m in moved if m is not None}


def crossed(moves: Moves) -> set[str]:
    """The ``page:`` tags of the price-sorted pages between each SKU's place before and
    after its edit (one read of each category's prices and offers). A category that cannot
    be read now names all of its price-sorted pages: slower, never stale."""
    by_category: defaultdict[int, dict[int, Decimal]] = defaultdict(dict)
    for sku_id, (category_id, before) in moves.items():
        by_category[category_id][sku_id] = before
    stale: set[str] = set()
    try:
        with Session(db.engine) as session:
            for category_id, before in by_category.items():
                stale |= _crossed(category_id, before, *prices.price_order(category_id, session))
    except SQLAlchemyError:
        log.error("pages: could not place the SKUs repriced in categories %s",
                  sorted(by_category), exc_info=True)
        return {tags.category_prices(i) for i in by_category}
    return stale


def _crossed(category_id: int, before: dict[int, Decimal], order: list[int],
             found: prices.Quotes) -> set[str]:
    key = {i: (q.unit.total, i) for i, q in found.by_sku.items()}
    size, length = current_app.config["LIST_PAGE_SIZE"], len(order)
    stale = set()
    for sku_id, price in before.items():
        if sku_id not in key:  # off sale: listed nowhere, or taken off since by a commit
            continue  # that named every list of its category itself
        now = order.index(sku_id)
        others = [key[i] for i in order if i != sku_id]
        was = rules.unit(price, found.by_sku[sku_id].offers).total
        then = bisect.bisect_left(others, (was, sku_id))
        low, high = min(now, then), max(now, then)
        # the price sort cheapest first, and its reverse
        for sort, first, last in ((sorts.PRICE, low, high),
                                  (sorts.PRICE_DESC, length - 1 - high, length - 1 - low)):
            stale |= {tags.page(str(PageKey.category_list(category_id, sort, n)))
                      for n in range(first // size + 1, last // size + 2)}
    return stale
