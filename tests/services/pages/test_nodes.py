"""Several nodes' page files, without a cluster: two apps on one database and one Redis,
each with its own page folder (PAGES_BROADCAST_QUEUE set, tasks inline). The broadcast
reaches only node A here, as when node B missed it (down, or its subscription lost in a
failover): B catches up from the log of stale pages at its next read, once."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from flask import Flask

from storefront import create_app
from storefront.extensions import db
from storefront.models import GoodsSKU
from storefront.services.pages import files as page_files
from storefront.services.pages import freshness
from storefront.services.search import query as search
from tests import factories


@pytest.fixture
def nodes(tmp_path) -> Iterator[tuple[Flask, Flask, factories.Shop]]:
    base = {"TESTING": True, "SECRET_KEY": "test-secret", "MEDIA_ROOT": str(tmp_path / "media"),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'shop.sqlite'}",
            "CELERY_TASK_ALWAYS_EAGER": True, "PAGES_BROADCAST_QUEUE": "pages"}
    a = create_app({**base, "NODE_NAME": "a", "STATIC_PAGES_DIR": str(tmp_path / "a"),
                    "SEARCH_INDEX_DIR": str(tmp_path / "a-search")})
    b = create_app({**base, "NODE_NAME": "b", "STATIC_PAGES_DIR": str(tmp_path / "b"),
                    "SEARCH_INDEX_DIR": str(tmp_path / "b-search")})
    b.extensions["redis_store"] = a.extensions["redis_store"]  # one Redis for both nodes
    with a.app_context():
        db.create_all()
        shop = factories.small_shop()
    yield a, b, shop
    for app in (a, b):
        with app.app_context():
            db.engine.dispose()


def page(app: Flask, key: str) -> str:
    with app.app_context():
        return page_files.path_of(key).read_text()


def test_a_node_that_missed_the_broadcast_catches_up_from_the_log_once(nodes):
    a, b, shop = nodes
    key = f"goods:{shop.apples}"
    for app in (a, b):  # first start: no read on record, so every page is written
        with app.app_context():
            assert freshness.catch_up(before_serving=True)
        assert "9.90" in page(app, key)
    with a.app_context():
        sku = db.session.get(GoodsSKU, shop.apples)
        sku.price = Decimal("7.25")
        db.session.commit()  # the broadcast runs inline, on node A only
    assert "7.25" in page(a, key)
    assert "9.90" in page(b, key)  # B did not hear it
    with b.app_context():
        assert freshness.catch_up()  # the next read: the listener's poll, or a broadcast
    assert "7.25" in page(b, key) and "9.90" not in page(b, key)
    with b.app_context():
        assert not freshness.catch_up(), "a change was applied twice"
        before = page_files.path_of(key).stat().st_mtime_ns
    with b.app_context():
        freshness.catch_up()
        assert page_files.path_of(key).stat().st_mtime_ns == before


def found(app: Flask, text: str) -> list[int]:
    with app.app_context():
        return search.ranked_ids(text)


def test_each_node_s_search_index_hears_of_an_edit_through_the_log(nodes):
    a, b, shop = nodes
    for app in (a, b):  # first start: every page, and the node's search index, built
        with app.app_context():
            freshness.catch_up(before_serving=True)
        assert shop.apples in found(app, "apples")
    with a.app_context():
        sku = db.session.get(GoodsSKU, shop.apples)
        sku.name = "Braeburn crunch"
        db.session.commit()  # node A's index is updated inline; B's waits for its read
    assert found(a, "braeburn") == [shop.apples]
    assert found(b, "braeburn") == []
    with b.app_context():
        assert freshness.catch_up()
    assert found(b, "braeburn") == [shop.apples]


def test_a_node_that_cannot_read_the_log_keeps_its_files_unless_it_is_about_to_serve(nodes):
    a, b, shop = nodes
    key = f"goods:{shop.apples}"
    with b.app_context():
        freshness.catch_up(before_serving=True)
        b.extensions["redis_store"].connection_pool.connection_kwargs["server"].connected = False
        try:
            assert not freshness.catch_up()  # a Redis blip: the next read makes up for it
            assert page_files.path_of(key).is_file()
            assert freshness.catch_up(before_serving=True)  # cannot know what it missed
            assert not page_files.path_of(key).exists()
        finally:
            b.extensions["redis_store"].connection_pool.connection_kwargs["server"].connected = True
