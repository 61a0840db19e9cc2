"""What a commit leaves to the worker (freshness and tasks): the full-table stock query and
the search-index write run in the worker, not in the staff member's request; the request
only drops what would be wrong meanwhile."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

import pytest
from flask import Flask

from storefront import create_app, redis_keys
from storefront.extensions import db, redis_store
from storefront.models import GoodsSKU
from storefront.services.cart import stock
from storefront.services.search import index as search_index
from storefront.services.search import query as search
from tests import factories
from tests.conftest import count_queries

STOCK_QUERY = re.compile(r"SELECT goods_sku.id, goods_sku.stock\s+FROM goods_sku\s+WHERE", re.I)


@pytest.fixture
def queued_app(app_config: dict) -> Iterator[Flask]:
    """Tasks are queued on the in-memory broker, and no worker takes them until the test
    plays the worker (``run_queued``)."""
    app = create_app({**app_config, "CELERY_TASK_ALWAYS_EAGER": False,
                      "CELERY_BROKER_URL": "memory://localhost/"})
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


def run_queued(app: Flask) -> list[str]:
    """Take every queued task off the broker and run it, as the worker would."""
    celery, ran = app.extensions["celery"], []
    with celery.connection_for_read() as conn:
        queue = conn.SimpleQueue(app.config["CELERY_QUEUE"])
        while queue.qsize():
            message = queue.get(timeout=1)
            args, kwargs, _ = message.payload
            celery.tasks[message.headers["task"]].apply(args=args, kwargs=kwargs)
            message.ack()
            ran.append(message.headers["task"])
        queue.close()
    return ran


@pytest.mark.parametrize("backend", ["embedded"], indirect=True)
def test_the_worker_builds_the_stock_index_and_writes_the_search_index(queued_app):
    shop = factories.small_shop()
    db.session.commit()
    search_index.reindex()
    stock.rebuild()
    run_queued(queued_app)  # whatever the setup queued
    indexed_as = search_index.stamp()

    with count_queries() as statements:
        sku = db.session.get(GoodsSKU, shop.apples)
        sku.name, sku.price = "Braeburn crunch", Decimal("7.25")
        db.session.commit()

    # the staff member's request: no full-table query, no index write, and nothing wrong
    # left to read (the buyable index is gone: a header meanwhile builds it or counts 0)
    assert not [s for s in statements if STOCK_QUERY.search(s)]
    assert search_index.stamp() == indexed_as
    assert not redis_store.client.exists(redis_keys.buyable())

    ran = run_queued(queued_app)
    assert {"storefront.tasks.rebuild_stock", "storefront.tasks.update_search"} <= set(ran)
    assert redis_store.client.hget(redis_keys.buyable(), str(shop.apples)) == "10"
    assert search.ranked_ids("braeburn") == [shop.apples]



NAMES = ["Cortland", "Braeburn", "Jonagold", "Honeycrisp", "Pippin", "Russet", "Kanzi",
         "Elstar", "Topaz"]


def edit_everything_in_turn(shop, saves: int) -> None:
    """Staff save ``saves`` edits in a row, each its own commit: names and stock of the
    on-sale SKUs in turn (each save changes the stock index and the search index)."""
    skus = [shop.apples, shop.apples_big, shop.prawns]
    for n in range(saves):
        sku = db.session.get(GoodsSKU, skus[n % len(skus)])
        sku.name, sku.stock = f"{NAMES[n]} 500g", 20 + n
        db.session.commit()


@pytest.mark.parametrize("backend", ["embedded"], indirect=True)
def test_saves_while_the_worker_is_behind_queue_one_stock_build_and_one_search_update(
        queued_app):
    shop = factories.small_shop()
    db.session.commit()
    search_index.reindex()
    stock.rebuild()
    run_queued(queued_app)

    edit_everything_in_turn(shop, 9)  # the worker is behind: no task of theirs has started

    ran = run_queued(queued_app)
    assert ran.count("storefront.tasks.rebuild_stock") == 1
    assert ran.count("storefront.tasks.update_search") == 1
    assert ran.count("storefront.tasks.render_pages") <= 1
    # the one build and the one update show every save's last state
    index = redis_store.client.hgetall(redis_keys.buyable())
    assert {index[str(i)] for i in (shop.apples, shop.apples_big, shop.prawns)} == {
        "26", "27", "28"}
    assert search.ranked_ids("kanzi") == [shop.apples]
    assert search.ranked_ids("elstar") == [shop.apples_big]
    assert search.ranked_ids("topaz") == [shop.prawns]
    assert search.ranked_ids("cortland") == []  # the names before are gone from the index

    # a save after the tasks started queues tasks of its own
    edit_everything_in_turn(shop, 1)
    ran = run_queued(queued_app)
    assert ran.count("storefront.tasks.rebuild_stock") == 1
    assert ran.count("storefront.tasks.update_search") == 1
    assert redis_store.client.hget(redis_keys.buyable(), str(shop.apples)) == "20"
    assert search.ranked_ids("cortland") == [shop.apples]


@pytest.mark.parametrize("backend", ["embedded"], indirect=True)
def test_a_save_while_redis_is_down_still_queues_the_stock_build_and_the_search_update(
        queued_app, own_redis):
    """Redis down at the commit: nothing can gather there, so each task is queued as it is
    (the broker here is another server, which a deployment may have too)."""
    shop = factories.small_shop()
    db.session.commit()
    search_index.reindex()
    stock.rebuild()
    run_queued(queued_app)

    own_redis.stop()
    sku = db.session.get(GoodsSKU, shop.prawns)
    sku.name, sku.stock = "King prawns", 3
    db.session.commit()
    own_redis.start()  # back, empty

    ran = run_queued(queued_app)
    assert {"storefront.tasks.rebuild_stock", "storefront.tasks.update_search"} <= set(ran)
    assert redis_store.client.hget(redis_keys.buyable(), str(shop.prawns)) == "3"
    assert search.ranked_ids("king") == [shop.prawns]
