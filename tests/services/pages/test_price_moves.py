"""A price edit re-renders the price-sorted list pages its SKU moved over, and only those
(issue 22, item 2; services/pages/moves.py): the page it left, the page it entered and the
pages between, in each price sort; every other page of its category shows what it showed.

The shop: the synthetic demo of 2 categories x 30 SKUs, 12 to a list page (places 0-11,
12-23, 24-29 cheapest first; the dearest first sort is the reverse), every page's files
written first. The SKU repriced is the common case (``page_edits.plain_sku``): on no
homepage slot, in no "new arrivals" box, with 2 siblings whose pages show its price; it
starts at place 23, the last of the second page cheapest first (the first page dearest
first).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from flask import current_app

from devtools import page_edits
from storefront import demo
from storefront.extensions import db
from storefront.models import GoodsSKU
from storefront.services import catalog, sorts
from storefront.services.offers import manage, prices
from storefront.services.pages import files as page_files
from storefront.services.pages import render as pages
from storefront.services.pages.keys import PageKey

EMBEDDED = pytest.mark.parametrize("backend", ["embedded"])  # each test but one: the same
# on both; the one reads the rows after the commit on MariaDB too


@pytest.fixture
def sku(app) -> GoodsSKU:
    demo.seed(2, 30)
    page_edits.publish_all()
    row = db.session.get(GoodsSKU, page_edits.plain_sku())
    order, _ = prices.price_order(row.category_id)
    assert order.index(row.id) == 23
    return row


def by_price(category_id: int) -> dict[str, list[int]]:
    """What each price-sorted page of the category lists, by key, as a render reads it."""
    order, _ = prices.price_order(category_id)
    size = current_app.config["LIST_PAGE_SIZE"]
    return {price_page(category_id, sort, start // size + 1): ids[start:start + size]
            for sort, ids in ((sorts.PRICE, order), (sorts.PRICE_DESC, order[::-1]))
            for start in range(0, len(ids), size)}


def price_for_place(sku: GoodsSKU, place: int) -> Decimal:
    """A price that puts ``sku`` at ``place`` cheapest first: between the other SKUs there
    (none of them on offer in this shop)."""
    order, found = prices.price_order(sku.category_id)
    others = [found.by_sku[i].unit.total for i in order if i != sku.id]
    low = others[place - 1] if place else Decimal(0)
    price = ((low + others[place]) / 2).quantize(Decimal("0.01"))
    assert low < price < others[place]
    return price


def reprice(sku: GoodsSKU, price: Decimal) -> set[str]:
    """Save the new price as the admin does; the keys of the pages whose files were written
    again."""
    folder = page_files.folder()
    before = page_edits.stamps(folder)
    sku.price = price
    db.session.commit()
    after = page_edits.stamps(folder)
    return {page_files.key_of(folder / name) for name, stamp in after.items()
            if name.endswith(".html") and before.get(name) != stamp}


def price_page(category_id: int, sort: str, n: int) -> str:
    return str(PageKey.category_list(category_id, sort, n))


@EMBEDDED
@pytest.mark.parametrize(("place", "cheapest_first", "dearest_first"), [
    (24, {2, 3}, {1}),  # over the boundary: first on the third page (dearest first: 5th)
    (1, {1, 2}, {1, 2, 3}),  # to the cheapest end: over every page dearest first
    (22, {2}, {1}),  # within its page
])
def test_a_price_edit_rewrites_the_pages_its_sku_moved_over(sku, place, cheapest_first,
                                                           dearest_first):
    category = sku.category_id
    listed_before = by_price(category)
    siblings = {s.id for s in db.session.query(GoodsSKU).filter(
        GoodsSKU.goods_id == sku.goods_id, GoodsSKU.id != sku.id)}
    # the default and sales sorts list it where they did: its card's page in each
    size = current_app.config["LIST_PAGE_SIZE"]
    holding = {str(PageKey.category_list(category, sort,
                                         _listed(category, sort).index(sku.id) // size + 1))
               for sort in (sorts.LIST_DEFAULT, sorts.SALES)}

    rewritten = reprice(sku, price_for_place(sku, place))

    listed_after = by_price(category)
    assert prices.price_order(category)[0].index(sku.id) == place
    moved = {price_page(category, sorts.PRICE, n) for n in cheapest_first} | {
        price_page(category, sorts.PRICE_DESC, n) for n in dearest_first}
    assert rewritten == ({str(PageKey.detail(sku.id))}
                         | {str(PageKey.detail(i)) for i in siblings} | holding | moved)
    # exactly the price-sorted pages that list other SKUs now, or show its price
    assert moved == {key for key, ids in listed_after.items()
                     if ids != listed_before[key] or sku.id in ids}
    assert_every_page_fresh()


def test_prices_edited_side_by_side_leave_no_page_stale(sku):
    """Two SKUs repriced in one commit, across each other and over every page: each one's
    places count the other where it is after the commit."""
    order, _ = prices.price_order(sku.category_id)
    cheap = db.session.get(GoodsSKU, order[2])
    cheap.price = price_for_place(cheap, 28)
    rewritten = reprice(sku, price_for_place(sku, 1))
    assert set(by_price(sku.category_id)) <= rewritten
    assert_every_page_fresh()


@EMBEDDED
def test_a_price_set_on_a_row_not_loaded_rewrites_every_price_sorted_page(sku):
    """The price before is not known (nothing read it): every price-sorted page may have
    changed."""
    category = sku.category_id
    price = price_for_place(sku, 3)
    db.session.expire(sku, ["price"])
    rewritten = reprice(sku, price)
    assert set(by_price(category)) <= rewritten
    assert_every_page_fresh()


@EMBEDDED
def test_an_offer_still_reorders_every_price_sorted_page(sku):
    """An offer reprices a range of SKUs at once: its category's price tag still names
    every price-sorted page (services/offers/manage.py)."""
    folder = page_files.folder()
    before = page_edits.stamps(folder)
    manage.create("Half off", percent=50, category_id=sku.category_id,
                  starts=(prices.now() - timedelta(minutes=1)).isoformat(),
                  ends=(prices.now() + timedelta(days=3)).isoformat())
    after = page_edits.stamps(folder)
    rewritten = {page_files.key_of(folder / n) for n, s in after.items()
                 if n.endswith(".html") and before.get(n) != s}
    assert set(by_price(sku.category_id)) <= rewritten
    assert_every_page_fresh()


def _listed(category_id: int, sort: str) -> list[int]:
    """The category's SKUs in a sort other than by price, all pages."""
    return [s.id for s in db.session.scalars(
        db.select(GoodsSKU).where(GoodsSKU.category_id == category_id, GoodsSKU.on_sale)
        .order_by(*catalog.SORTS[sort]))]


def assert_every_page_fresh() -> None:
    """Every catalogue page's file shows what a render from the rows now shows."""
    for key in pages.catalogue_keys():
        path = page_files.path_of(key)
        assert path.exists(), key
        assert path.read_text() == pages.rebuild(key).html, key


@EMBEDDED
def test_a_price_edit_of_a_sku_off_sale_rewrites_no_page(sku):
    """No page lists it, in any sort, nor shows its price."""
    sku.is_on_sale = False
    db.session.commit()
    assert reprice(sku, price_for_place(sku, 3)) == set()
    assert_every_page_fresh()


@EMBEDDED
def test_a_sku_on_offer_is_placed_by_the_price_it_sells_at(sku):
    """Half off the SKU alone: its place before and after are those of half its price."""
    manage.create("Half off", percent=50, sku_ids=(sku.id,),
                  starts=(prices.now() - timedelta(minutes=1)).isoformat(),
                  ends=(prices.now() + timedelta(days=3)).isoformat())
    category = sku.category_id
    place = prices.price_order(category)[0].index(sku.id)
    listed_before = by_price(category)
    assert place == 14  # at its normal price it was 23rd: it moved (the offer's doing)
    rewritten = reprice(sku, price_for_place(sku, 0) * 2)  # sells at the half
    listed_after = by_price(category)
    assert prices.price_order(category)[0].index(sku.id) == 0
    changed = {key for key, ids in listed_after.items()
               if ids != listed_before[key] or sku.id in ids}
    assert {key for key in rewritten if key in listed_after} == changed
    assert len(changed) < len(listed_after)
    assert_every_page_fresh()
