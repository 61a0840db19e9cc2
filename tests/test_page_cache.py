"""The page cache: warm pages cost no SQL, entries are plain shared data, and each kind of
edit clears exactly the entries that show it, after the commit and only then."""

from __future__ import annotations

import pickle
import threading
from decimal import Decimal

import pytest
from flask import Flask

from storefront import freshness, page_cache
from storefront.extensions import cache, db
from storefront.models import (
    Goods,
    GoodsCategory,
    GoodsImage,
    GoodsSKU,
    IndexPromotionBanner,
    OrderGoods,
    User,
)
from tests.conftest import count_queries, csrf_token, sign_in
from tests.helpers import text


def warm(client, shop) -> None:
    for path in ("/", f"/goods/{shop.apples}", f"/goods/{shop.prawns}"):
        assert client.get(path).status_code == 200


def test_warm_pages_run_no_sql_for_anonymous_visitors(client, shop):
    warm(client, shop)
    for path in ("/", f"/goods/{shop.apples}"):
        with count_queries() as statements:
            assert client.get(path).status_code == 200
        assert statements == [], path


def test_signed_in_warm_pages_run_no_sql_either(client, shop, user):
    """The signed-in user's row comes from the user cache, so a warm page runs no query."""
    warm(client, shop)
    sign_in(client)
    for path in ("/", f"/goods/{shop.apples}"):
        with count_queries() as statements:
            assert "Welcome" in text(client.get(path))
        assert statements == [], path


def test_cached_entries_are_plain_data_with_nothing_of_a_visitor(client, app, shop, user):
    sign_in(client)
    client.get(f"/goods/{shop.apples}")
    client.get("/")
    for key in (page_cache.INDEX_KEY, page_cache.detail_key(shop.apples)):
        for entry in (key, page_cache.shell_key(key)):
            value = cache.get(entry)
            assert value, entry
            assert_plain(value)
            flat = repr(value)
            assert "alice" not in flat and "csrf" not in flat.lower(), entry


class PlainUnpickler(pickle.Unpickler):
    """Refuses anything but builtins, Decimal and datetime: an ORM object fails to load."""

    ALLOWED = {("decimal", "Decimal"), ("datetime", "datetime"), ("builtins", "set")}

    def find_class(self, module, name):
        if (module, name) not in self.ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} in the cache")
        return super().find_class(module, name)


@pytest.mark.parametrize("backend", ["services"], indirect=True)
def test_redis_holds_the_entries_as_plain_pickles_under_the_prefix(client, app, shop):
    import io

    client.get("/")
    client.get(f"/goods/{shop.apples}")
    redis = cache.cache._read_client
    prefix = app.config["CACHE_KEY_PREFIX"]
    for key in (page_cache.INDEX_KEY, page_cache.detail_key(shop.apples)):
        raw = redis.get(prefix + key)
        assert raw is not None and raw.startswith(b"!"), key
        value = PlainUnpickler(io.BytesIO(raw[1:])).load()
        assert_plain(value)
    assert 0 < redis.ttl(prefix + page_cache.INDEX_KEY) <= 3600


def assert_plain(value) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            assert isinstance(k, str)
            assert_plain(v)
    elif isinstance(value, list):
        for v in value:
            assert_plain(v)
    else:
        assert value is None or type(value).__module__ in ("builtins", "decimal", "datetime"), \
            type(value)


# --- invalidation -----------------------------------------------------------------------


def edit(obj, delete: bool = False) -> None:
    """What the admin does: record before the commit, then commit."""
    freshness.record_edit(db.session, obj)
    if delete:
        db.session.delete(obj)
    db.session.commit()


def watched(shop) -> dict[str, str]:
    return {
        "index": page_cache.INDEX_KEY,
        "categories": page_cache.CATEGORIES_KEY,
        "apples": page_cache.detail_key(shop.apples),
        "prawns": page_cache.detail_key(shop.prawns),
    }


def plant(client, shop) -> None:
    """Warm the entries, then tag each: a tag still there afterwards means "not cleared".

    (An entry that was cleared may be back already, rebuilt fresh by the homepage render.)
    """
    warm(client, shop)
    for key in watched(shop).values():
        value = cache.get(key)
        head = value[0] if isinstance(value, list) else value
        head["_planted"] = True
        cache.set(key, value)


def entries(shop) -> dict[str, bool]:
    """Which watched entries survived the edit untouched."""
    result = {}
    for name, key in watched(shop).items():
        value = cache.get(key)
        head = value[0] if isinstance(value, list) and value else value
        result[name] = bool(head and head.get("_planted"))
    return result


EVERYTHING = {"index": True, "categories": True, "apples": True, "prawns": True}


def cleared(*names: str) -> dict[str, bool]:
    return {**EVERYTHING, **{name: False for name in names}}


def test_promotion_edit_clears_the_homepage_only(client, shop):
    plant(client, shop)
    edit(db.session.scalars(db.select(IndexPromotionBanner)).first())
    assert entries(shop) == cleared("index")


def test_category_edit_clears_every_page(client, shop):
    plant(client, shop)
    category = db.session.get(GoodsCategory, shop.fruit)
    category.name = "Fruit & berries"
    edit(category)
    # the category nav is part of every page's shell
    assert entries(shop) == cleared("index", "categories", "apples", "prawns")
    assert "Fruit &amp; berries" in text(client.get(f"/goods/{shop.apples}"))


def test_sku_edit_clears_homepage_its_page_and_its_family(client, shop):
    plant(client, shop)
    client.get(f"/goods/{shop.apples_big}")
    sku = db.session.get(GoodsSKU, shop.apples_big)
    sku.price = Decimal("27.50")
    edit(sku)
    # apples shows apples_big as another spec; prawns is in another category and family
    assert entries(shop) == cleared("index", "apples")
    assert cache.get(page_cache.detail_key(shop.apples_big)) is None
    assert "27.50" in text(client.get(f"/goods/{shop.apples}"))


def test_sku_moved_to_another_category_clears_both_categories(client, shop):
    plant(client, shop)
    sku = db.session.get(GoodsSKU, shop.apples_big)
    sku.category_id = shop.seafood
    edit(sku)
    assert entries(shop) == cleared("index", "apples", "prawns")


def test_spu_edit_clears_its_skus_pages_only(client, shop):
    plant(client, shop)
    goods = db.session.get(GoodsSKU, shop.apples).goods
    goods.detail = "Now even crisper."
    edit(goods)
    assert entries(shop) == cleared("apples")
    assert "Now even crisper." in text(client.get(f"/goods/{shop.apples}"))


def test_gallery_and_review_edits_clear_their_skus_page(client, shop):
    plant(client, shop)
    edit(GoodsImage(sku_id=shop.prawns, image="goods/prawns-2.jpg"))
    assert entries(shop) == cleared("prawns")
    plant(client, shop)
    review = db.session.scalars(db.select(OrderGoods).filter_by(sku_id=shop.apples)).first()
    edit(review, delete=True)
    assert entries(shop) == cleared("apples")
    assert "Sweet and crunchy!" not in text(client.get(f"/goods/{shop.apples}"))


def test_renaming_a_reviewer_clears_the_pages_with_their_reviews(client, shop):
    plant(client, shop)
    bob = db.session.scalars(db.select(User).filter_by(username="bob")).one()
    bob.username = "robert"
    edit(bob)
    assert entries(shop) == cleared("apples")


def test_deleting_a_sku_clears_its_page(client, shop):
    plant(client, shop)
    spu = Goods(name="Temporary", detail="")
    doomed = GoodsSKU(category_id=shop.seafood, goods=spu, name="Doomed crab",
                      price=Decimal("5"), unit="1")
    db.session.add(doomed)
    edit(doomed)
    assert "Doomed crab" in text(client.get(f"/goods/{doomed.id}"))
    doomed_id = doomed.id
    edit(doomed, delete=True)
    assert client.get(f"/goods/{doomed_id}").status_code == 404


def test_nothing_is_cleared_before_the_commit_or_on_rollback(client, shop):
    plant(client, shop)
    sku = db.session.get(GoodsSKU, shop.apples)
    sku.price = Decimal("1.00")
    freshness.record_edit(db.session, sku)
    assert entries(shop) == EVERYTHING  # recorded, not acted on
    db.session.rollback()
    assert entries(shop) == EVERYTHING
    db.session.commit()  # a later, empty commit acts on nothing left over
    assert entries(shop) == EVERYTHING
    assert "9.90" in text(client.get(f"/goods/{shop.apples}"))


# --- stampede ---------------------------------------------------------------------------


def test_a_cold_entry_is_built_once_under_concurrent_load(app: Flask, shop):
    builds = []
    real_build = page_cache.catalog.build_index_context

    def slow_build():
        builds.append(1)
        threading.Event().wait(0.2)  # a slow database makes the race wide open
        return real_build()

    results, errors = [], []

    def visitor():
        try:
            with app.app_context():
                results.append(page_cache._get_or_build(page_cache.INDEX_KEY, slow_build, 60))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=visitor) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert not errors
    assert len(builds) == 1
    assert len(results) == 8 and all(r == results[0] for r in results)


def test_one_shell_serves_each_visitor_their_own_header(app, client, shop, user):
    from tests.helpers import header_cart_count

    anonymous = app.test_client()
    assert "Welcome" not in text(anonymous.get(f"/goods/{shop.apples}"))  # builds the shell
    sign_in(client)
    client.post("/cart/add", data={"sku_id": shop.apples, "count": 2,
                                   "csrf_token": csrf_token(client, "/")})
    page = client.get(f"/goods/{shop.apples}")
    assert "Welcome" in text(page) and "alice" in text(page)
    assert header_cart_count(page) == 2 and "Added 2 × Fuji apples 500g" in text(page)
    assert 'name="csrf_token"' in text(page) and "Add to cart" in text(page)
    again = anonymous.get(f"/goods/{shop.apples}")
    assert "alice" not in text(again) and "Sign in to buy" in text(again)
    assert "Added 2" not in text(again) and header_cart_count(again) == 0
