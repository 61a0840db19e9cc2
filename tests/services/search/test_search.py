"""Search (issue 11): a shopper finds products by any word of their name, in English or
Chinese, typos included; results follow every commit; bad input gets a friendly page."""

from __future__ import annotations

import re
import shutil
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote_plus

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from storefront.extensions import db
from storefront.models import Goods, GoodsCategory, GoodsSKU
from storefront.services.pages import files as page_files
from storefront.services.pages import render as pages
from storefront.services.search import index as search_index
from tests import factories
from tests.conftest import sign_in

TILE = re.compile(r'class="tile-link" href="/goods/(\d+)"')


@dataclass
class Catalogue:
    fruit: int
    dairy: int
    oranges: int
    strawberries: int
    marmalade: int
    juice: int
    creme: int
    big_strawberries: int


@pytest.fixture
def catalogue(app: Flask) -> Catalogue:
    fruit = GoodsCategory(name="Fresh fruit", logo="fruit")
    dairy = GoodsCategory(name="Dairy", logo="eggs")
    navel = Goods(name="赣南脐橙 Navel oranges", detail="Seedless oranges from Gannan.")
    berries = Goods(name="Sweetheart strawberries", detail="Greenhouse berries, picked ripe.")
    jam = Goods(name="Orange marmalade", detail="Bitter Seville peel.")
    juice = Goods(name="Carrot juice", detail="Pressed carrots with a hint of orange.")
    creme = Goods(name="Crème fraîche", detail="Thick cultured cream.")
    skus = [
        factories.sku(fruit, navel, "赣南脐橙 Navel oranges 1kg", "12.80", stock=5, sales=30),
        factories.sku(fruit, berries, "Sweetheart strawberries 🍓 250g punnet", "19.90",
                      stock=0, sales=80),
        factories.sku(fruit, jam, "Orange marmalade jar", "6.50", stock=3, sales=5),
        factories.sku(dairy, juice, "Carrot juice 1l", "4.20", stock=9, sales=50),
        factories.sku(dairy, creme, "Crème fraîche 200ml", "3.10", stock=2, sales=1),
        factories.sku(fruit, berries, "Sweetheart strawberries 🍓 1kg tray", "59.00",
                      stock=4, sales=10),
    ]
    db.session.commit()
    return Catalogue(fruit.id, dairy.id, *(s.id for s in skus))


def found(client: FlaskClient, query: str = "", **params) -> list[int]:
    """The SKU ids a shopper sees for ``query``, in the order shown."""
    response = client.get("/search", query_string={"q": query, **params})
    assert response.status_code == 200, response.status_code
    return [int(i) for i in TILE.findall(response.get_data(as_text=True))]


def page_text(client: FlaskClient, query: str, **params) -> str:
    response = client.get("/search", query_string={"q": query, **params})
    assert response.status_code == 200
    return response.get_data(as_text=True)


# --- the box -------------------------------------------------------------------------------


def test_every_page_has_the_search_box_the_static_homepage_too(client, shop, app):
    search_box = 'action="/search"'
    for path in ("/", f"/goods/{shop.apples}", f"/list/{shop.fruit}", "/users/login",
                 "/no-such-page", "/search?q=apples"):
        assert search_box in client.get(path).get_data(as_text=True), path
    pages.publish(pages.HOME)
    assert search_box in page_files.path_of(pages.HOME).read_text()


# --- finding ---------------------------------------------------------------------------------


def test_a_two_character_chinese_word_finds_its_product(client, catalogue):
    assert found(client, "脐橙") == [catalogue.oranges]
    assert found(client, "赣南脐橙") == [catalogue.oranges]


def test_english_words_case_and_accents_do_not_matter(client, catalogue):
    both = {catalogue.strawberries, catalogue.big_strawberries}
    assert set(found(client, "strawberries")) == both
    assert set(found(client, "STRAWBERRY")) == both
    assert found(client, "creme fraiche") == [catalogue.creme]
    assert found(client, "CRÈME") == [catalogue.creme]
    assert found(client, "ｎａｖｅｌ") == [catalogue.oranges]  # full-width letters


def test_a_misspelt_word_still_finds_and_is_corrected(client, catalogue):
    assert set(found(client, "strawbery")) == {catalogue.strawberries,
                                               catalogue.big_strawberries}
    html = page_text(client, "marmelade")
    assert f'href="/goods/{catalogue.marmalade}"' in html
    assert "Did you mean" in html and ">marmalade<" in html
    assert "Did you mean" not in page_text(client, "marmalade")


def test_name_title_product_name_and_detail_are_searched(client, catalogue):
    assert found(client, "punnet") == [catalogue.strawberries]  # SKU name
    assert found(client, "fresh today", category=catalogue.dairy)  # SKU title
    assert found(client, "sweetheart")  # product (SPU) name
    assert found(client, "gannan") == [catalogue.oranges]  # detail text only


def test_a_name_match_ranks_above_a_detail_match(client, catalogue):
    ranked = found(client, "orange")
    assert set(ranked) == {catalogue.oranges, catalogue.marmalade, catalogue.juice}
    assert ranked[-1] == catalogue.juice  # "orange" only in its product's detail


def test_every_word_must_match(client, catalogue):
    assert found(client, "orange carrot") == [catalogue.juice]
    assert found(client, "strawberries 1kg") == [catalogue.big_strawberries]


def test_off_sale_skus_are_not_found(client, shop):
    assert found(client, "crate") == []  # "Fuji apples crate" is off sale
    assert found(client, "oysters") == []


# --- facets, filters, sorting, pages ----------------------------------------------------------


def test_facets_count_categories_price_bands_and_stock(client, catalogue):
    html = page_text(client, "orange")
    assert re.search(r">Fresh fruit</a> <span class=\"muted\">\(2\)", html)
    assert re.search(r">Dairy</a> <span class=\"muted\">\(1\)", html)
    assert re.search(r">Under \$10</a> <span class=\"muted\">\(2\)", html)
    assert re.search(r">\$10 – \$20</a> <span class=\"muted\">\(1\)", html)
    assert re.search(r">In stock only</a> <span class=\"muted\">\(3\)", html)
    berries = page_text(client, "strawberries")
    assert re.search(r">In stock only</a> <span class=\"muted\">\(1\)", berries)


def test_filters_narrow_the_results(client, catalogue):
    assert found(client, "orange", category=catalogue.dairy) == [catalogue.juice]
    assert set(found(client, "orange", max_price="10")) == {catalogue.marmalade,
                                                            catalogue.juice}
    assert found(client, "orange", min_price="10", max_price="20") == [catalogue.oranges]
    assert found(client, "strawberries", in_stock="1") == [catalogue.big_strawberries]


def test_sorting_by_price_and_sales(client, catalogue):
    expected = [catalogue.juice, catalogue.marmalade, catalogue.oranges]
    assert found(client, "orange", sort="price") == expected
    assert found(client, "orange", sort="price-desc") == expected[::-1]
    assert found(client, "orange", sort="sales") == [catalogue.juice, catalogue.oranges,
                                                     catalogue.marmalade]


def test_search_and_list_share_the_sort_names_and_old_ones_move(client, catalogue):
    """One vocabulary (services/sorts.py): the sort bar offers the list's names, and the old
    ``-price`` answers 301 to the same search sorted by ``price-desc``."""
    page = client.get("/search?q=orange").get_data(as_text=True)
    assert "sort=price-desc" in page and "sort=sales" in page and "sort=-price" not in page
    moved = client.get("/search?q=orange&sort=-price&page=2")
    assert moved.status_code == 301
    assert moved.headers["Location"] == "/search?q=orange&sort=price-desc&page=2"


def test_results_are_paged_like_the_category_list(app, client):
    factories.many_categories(1, skus_per_category=app.config["LIST_PAGE_SIZE"] + 3)
    first, second = found(client, "item"), found(client, "item", page="2")
    assert len(first) == app.config["LIST_PAGE_SIZE"] and len(second) == 3
    assert not set(first) & set(second)
    assert client.get("/search?q=item&page=3").status_code == 404


BAD_PARAMS = [
    {"category": "abc"}, {"category": "99999999999999"}, {"min_price": "-1"},
    {"max_price": "1e400"}, {"min_price": "NaN"}, {"sort": "'; DROP TABLE goods_sku"},
    {"page": "0"}, {"page": "²"}, {"in_stock": "maybe"}, {"category": "424242"},
    {"min_price": "50", "max_price": "10"}, {"min_price": "9999999.99"}, {"category": "0"},
]


def test_bad_parameters_are_ignored_never_a_500(client, catalogue):
    for params in BAD_PARAMS:  # one shop for all: each case is a request, not a setup
        response = client.get("/search", query_string={"q": "orange", **params})
        assert response.status_code == 200, params


# --- input a shopper should not be able to break ---------------------------------------------


ODD_QUERIES = [
    "", "   ", "x" * 1000, '"', "*", "AND", "OR NOT", ":", "\\", "title:(", '"unclosed',
    "🍓🍊", "!!!???", "' OR 1=1 --", "%", "_", "\x00", "a" * 60, "脐" * 500, "strawberries" * 90,
]


def test_any_query_gets_a_friendly_page(client, catalogue):
    for query in ODD_QUERIES:
        response = client.get("/search", query_string={"q": query})
        assert response.status_code == 200, query
        html = response.get_data(as_text=True)
        assert "Traceback" not in html and "<h1" in html


def test_a_query_with_no_word_asks_for_one(client, catalogue):
    assert "What are you looking for?" in page_text(client, "")
    assert "could not find a word" in page_text(client, '"*: \\ 🍓 !!')


def test_a_long_query_is_cut_and_says_so(client, catalogue):
    html = page_text(client, "strawberries " + "x" * 990)
    assert "looked for its first words only" in html


# --- freshness ---------------------------------------------------------------------------------


def _sku(sku_id: int) -> GoodsSKU:
    return db.session.get(GoodsSKU, sku_id)


def test_an_added_sku_is_found_right_after_its_commit_never_before(client, catalogue):
    berries = _sku(catalogue.strawberries)
    sku = factories.sku(berries.category, berries.goods, "Alpine strawberries 125g", "8.00")
    db.session.flush()
    assert found(client, "alpine") == []  # flushed, not committed
    committed = time.monotonic()
    db.session.commit()
    assert found(client, "alpine") == [sku.id]
    assert time.monotonic() - committed < 1.0


def test_rename_reprice_off_sale_and_delete_show_at_once(client, catalogue):
    jam = _sku(catalogue.marmalade)
    jam.name = "Lime marmalade jar"
    db.session.commit()
    assert found(client, "lime") == [catalogue.marmalade]
    jam.price = Decimal("25.00")
    db.session.commit()
    assert found(client, "marmalade", min_price="20") == [catalogue.marmalade]
    jam.is_on_sale = False
    db.session.commit()
    assert found(client, "lime") == []
    creme = _sku(catalogue.creme)
    db.session.delete(creme)
    db.session.commit()
    assert found(client, "creme") == []


def test_a_rolled_back_edit_never_shows(client, catalogue):
    _sku(catalogue.juice).name = "Beetroot juice"
    db.session.flush()
    db.session.rollback()
    assert found(client, "beetroot") == []
    assert found(client, "carrot") == [catalogue.juice]


def test_a_product_edit_updates_all_its_skus(client, catalogue):
    goods = _sku(catalogue.strawberries).goods
    goods.detail = "Grown on the slopes of Dandong."
    db.session.commit()
    assert set(found(client, "dandong")) == {catalogue.strawberries, catalogue.big_strawberries}


def test_reindex_is_idempotent_and_shows_progress(app, runner, client, catalogue):
    before = found(client, "orange")
    for _ in range(2):
        result = runner.invoke(args=["search-reindex"])
        assert result.exit_code == 0, result.output
        assert "Indexing on-sale SKUs" in result.output and "6 SKUs indexed" in result.output
        assert found(client, "orange") == before


def test_the_index_can_be_rebuilt_from_nothing_while_serving(app, runner, client, catalogue):
    shutil.rmtree(app.config["SEARCH_INDEX_DIR"])
    assert client.get("/search?q=orange").status_code == 503
    assert runner.invoke(args=["search-reindex"]).exit_code == 0
    assert len(found(client, "orange")) == 3


# --- faults -------------------------------------------------------------------------------------


def test_without_an_index_search_is_503_and_the_shop_still_works(app, client, catalogue, shop):
    shutil.rmtree(search_index.directory())
    response = client.get("/search?q=orange")
    assert response.status_code == 503
    assert "Search is unavailable for a moment" in response.get_data(as_text=True)
    assert response.headers["Retry-After"] == "30"
    for path in ("/", f"/goods/{shop.apples}", f"/list/{shop.fruit}"):
        assert client.get(path).status_code == 200


def test_an_edit_still_commits_when_the_index_cannot_be_written(app, client, catalogue):
    shutil.rmtree(app.config["SEARCH_INDEX_DIR"])
    Path(app.config["SEARCH_INDEX_DIR"]).write_text("not a folder")
    _sku(catalogue.juice).name = "Beetroot juice"
    db.session.commit()  # the index directory is a file now: the update fails, loudly
    db.session.expire_all()
    assert _sku(catalogue.juice).name == "Beetroot juice"
    assert client.get("/search?q=beetroot").status_code == 503


# --- the page layer -----------------------------------------------------------------------------


def test_results_pages_show_the_signed_in_header(client, user, catalogue):
    sign_in(client)
    html = page_text(client, "orange")
    assert "Welcome <strong>alice</strong>" in html
    assert "<!--#" not in html


def test_anonymous_results_are_shared_pages(client, catalogue):
    response = client.get("/search?q=orange")
    assert "public" in response.headers["Cache-Control"]
    assert "search" in response.headers["Surrogate-Key"].split()


def test_a_staff_rename_in_the_admin_is_found_at_once(client, staff, shop):
    from tests.admin.test_admin import submit  # the admin form as a browser fills it in

    assert sign_in(client, "sam").status_code == 302
    assert found(client, "prawns") == [shop.prawns]  # now kept under the index's stamp
    response = submit(client, f"/admin/goodssku/edit/?id={shop.prawns}",
                      {"name": "Banana prawns 300g"})
    assert response.status_code == 302
    assert found(client, "banana") == [shop.prawns]
    html = page_text(client, "prawns")  # the page kept before the edit is not shown
    assert ">Banana prawns 300g<" in html and ">Tiger prawns<" not in html


def test_searches_are_served_and_no_edit_is_lost_while_the_index_is_rebuilt(app, client,
                                                                            catalogue):
    import threading

    started, release = threading.Event(), threading.Event()

    def slow_rebuild() -> None:  # holds the writer as a long `flask search-reindex` would
        with app.app_context():
            search_index.reindex(progress=lambda n: (started.set(), release.wait(5)))

    rebuild = threading.Thread(target=slow_rebuild)
    rebuild.start()
    try:
        assert started.wait(5)
        assert len(found(client, "orange")) == 3  # the index before the rebuild still serves
        edit = threading.Thread(target=_rename_in_thread, args=(app, catalogue.juice))
        edit.start()  # its index update waits for the rebuild's writer lock
        deadline = time.monotonic() + 10
        while not _committed_name(catalogue.juice).startswith("Beetroot"):
            assert time.monotonic() < deadline, "the edit was never committed"
            time.sleep(0.01)
        # committed, and the edit's thread still busy: in its index update, held by the lock
        assert edit.is_alive()
        assert found(client, "beetroot") == []
    finally:
        release.set()
        rebuild.join(10)
    edit.join(10)
    assert found(client, "beetroot") == [catalogue.juice]  # applied after the rebuild
    assert len(found(client, "orange")) == 2


def _committed_name(sku_id: int) -> str:
    with db.engine.connect() as conn:  # a transaction of its own: what is committed
        return conn.scalar(select(GoodsSKU.name).where(GoodsSKU.id == sku_id))


def _rename_in_thread(app: Flask, sku_id: int) -> None:
    with app.app_context():
        db.session.get(GoodsSKU, sku_id).name = "Beetroot juice 1l"
        db.session.get(GoodsSKU, sku_id).goods.detail = "Pressed beetroot."
        db.session.commit()


def test_the_box_suggests_up_to_five_names_as_a_word_is_typed(app, client, catalogue):
    factories.many_categories(1, skus_per_category=8)  # "Item 0-0" .. "Item 0-7"
    assert sorted(client.get("/search/suggest?q=straw").get_json()["names"]) == [
        "Sweetheart strawberries 🍓 1kg tray", "Sweetheart strawberries 🍓 250g punnet"]
    assert len(client.get("/search/suggest?q=item").get_json()["names"]) == 5
    for odd in ("", "s", '"*:', "x" * 5000):
        assert client.get("/search/suggest", query_string={"q": odd}).get_json() == {
            "names": []}
    shutil.rmtree(search_index.directory())
    response = client.get("/search/suggest?q=straw")
    assert response.status_code == 503 and response.get_json() == {"names": []}


def test_a_search_that_finds_nothing_offers_popular_searches_and_the_aisles(client, catalogue):
    for query in ("zzqxv", ""):  # nothing found, and nothing typed
        html = page_text(client, query)
        popular = re.findall(r'class="chip" href="/search\?q=([^"&]+)"', html)
        # the best sellers first (strawberries sold 90, carrot juice 50, oranges 30)
        assert popular[:3] == ["Sweetheart+strawberries", "Carrot+juice",
                               "%E8%B5%A3%E5%8D%97%E8%84%90%E6%A9%99+Navel+oranges"], query
        assert f'class="chip" href="/list/{catalogue.fruit}"' in html
        assert f'href="/list/{catalogue.dairy}"' in html
        # nothing to refine and nothing to sort: no empty boxes, no sort bar
        assert 'class="card facet"' not in html and 'class="sort-bar"' not in html, query
    for shown in popular:  # each suggestion finds something
        assert found(client, unquote_plus(shown)), shown


def test_a_search_that_finds_something_keeps_its_facets_and_sort_bar(client, catalogue):
    html = page_text(client, "orange")
    assert 'class="sort-bar"' in html and 'class="card facet"' in html
    assert "Popular searches" not in html
    # a filter that leaves nothing keeps the facet that undoes it
    html = page_text(client, "strawberries", category=catalogue.dairy, in_stock=1)
    assert "Popular searches" in html and "Include sold out" in html
