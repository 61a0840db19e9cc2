"""The safety net (services/pages/sweep.py): it writes only the page files that may be stale
(README, "Freshness"), and still catches a lost invalidation, a lost render and a Redis that
lost its state."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import update

from storefront import redis_keys
from storefront.extensions import db, redis_store
from storefront.models import GoodsSKU, utcnow
from storefront.models.offers import Offer
from storefront.services.offers import manage
from storefront.services.pages import files as page_files
from storefront.services.pages import render as pages
from storefront.services.pages import sweep as page_sweep
from storefront.tasks import sweep_pages, warm_pages


@pytest.fixture
def warmed(app, shop, monkeypatch):
    """The shop's rows last changed an hour ago, every page written since; ``renders`` counts
    the pages built from then on."""
    an_hour_ago = utcnow() - timedelta(hours=1)
    for model in page_sweep.WATCHED:
        db.session.execute(update(model).values(updated_at=an_hour_ago))
    db.session.commit()
    warm_pages.apply()
    renders: list[str] = []
    real = pages.rebuild
    monkeypatch.setattr(pages, "rebuild", lambda key: renders.append(key) or real(key))
    return renders


def sweep() -> int:
    """One sweep in this process, as beat has the worker run it: the pages it wrote. (The
    eager result's value: ``.get()`` refuses after another test of the process ran a
    worker in it, celery's "never call result.get() within a task" flag.)"""
    result = sweep_pages.apply()
    assert result.successful(), result.traceback
    return result.result


def files() -> dict[str, tuple[int, int]]:
    """Every page file, by path: its inode and mtime (a rewrite changes both)."""
    return {str(p): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in page_files.folder().rglob("*") if p.is_file() and not p.name.startswith(".")}


def test_an_unchanged_catalogue_swept_twice_renders_nothing(app, shop, warmed):
    before = files()
    assert len(before) == 3 * len(set(pages.catalogue_keys()))  # .html, .gz, .br
    assert sweep() == 0
    assert sweep() == 0
    assert warmed == [] and files() == before


def test_a_row_changed_past_the_page_layer_is_written_again_by_the_next_sweep(
        app, shop, warmed):
    """A statement the session does not see (as a process that died before its after-commit
    work leaves it): nothing removed the file; the next sweep (every
    INDEX_SAFETY_NET_SECONDS) writes the pages that show the row, and only those."""
    key = f"goods:{shop.apples}"
    db.session.execute(update(GoodsSKU).where(GoodsSKU.id == shop.apples)
                       .values(price=Decimal("7.25")))
    db.session.commit()
    assert "9.90" in page_files.path_of(key).read_text()  # stale until the sweep
    before = files()
    time.sleep(page_sweep.CHANGED_SLACK_SECONDS)  # past it, as beat's next sweep is
    written = sweep()
    assert "7.25" in page_files.path_of(key).read_text()
    assert key in warmed and written == len(warmed)
    prawns = str(page_files.path_of(f"goods:{shop.prawns}"))
    assert f"goods:{shop.prawns}" not in warmed and before[prawns] == files()[prawns]
    assert sweep() == 0  # and that settles it


def test_a_sku_taken_off_sale_by_a_statement_loses_its_files(app, shop, warmed):
    key = f"goods:{shop.apples}"
    db.session.execute(update(GoodsSKU).where(GoodsSKU.id == shop.apples).values(is_on_sale=False))
    db.session.commit()
    sweep_pages.apply()
    assert not page_files.path_of(key).exists()


def test_a_lost_render_is_the_only_page_written(app, shop, warmed):
    key = f"goods:{shop.prawns}"
    page_files.remove([key])
    assert sweep() == 1
    assert warmed == [key] and page_files.path_of(key).exists()


def test_redis_losing_its_state_has_every_page_written_again(app, shop, warmed):
    assert sweep() == 0
    prefix = app.config["CACHE_KEY_PREFIX"]
    client = redis_store.client
    client.delete(*client.keys(f"{prefix}pages:*"))  # Redis restarted empty
    before = files()
    assert sweep() == len(set(pages.catalogue_keys()))
    after = files()
    assert after.keys() == before.keys()
    assert all(after[p] != before[p] for p in before)
    assert sweep() == 0  # and noted: the next sweep is back to nothing


def test_one_sweep_per_node_at_a_time(app, shop, warmed):
    """A sweep still writing (every page after Redis lost its state takes minutes) is not
    started over by beat's next one."""
    page_files.remove([f"goods:{shop.prawns}"])
    lock = redis_store.client.lock(page_sweep._token_key() + ":lock", timeout=60)
    assert lock.acquire(blocking=False)
    try:
        assert sweep() == 0 and warmed == []
    finally:
        lock.release()
    assert sweep() == 1


def test_an_offer_changed_by_a_statement_has_the_pages_it_covers_written_again(
        app, shop, warmed):
    now = datetime.now(UTC).replace(microsecond=0)
    offer = manage.create("Apples week", percent=30, sku_ids=(shop.apples,),
                          starts=(now - timedelta(hours=1)).isoformat(),
                          ends=(now + timedelta(days=1)).isoformat())
    key = f"goods:{shop.apples}"
    assert "6.93" in page_files.path_of(key).read_text()  # its commit's own render
    db.session.execute(update(Offer).where(Offer.id == offer.id).values(percent=50))
    db.session.commit()
    time.sleep(page_sweep.CHANGED_SLACK_SECONDS)
    sweep_pages.apply()
    assert "4.95" in page_files.path_of(key).read_text()
    assert f"goods:{shop.prawns}" not in warmed


def test_the_sweep_builds_the_stock_index_only_when_missing_or_about_to_expire(app, shop):
    """The headers count carts by it: it must never expire in the steady state, but reading
    every SKU each minute was most of the sweep's cost at 30,000 SKUs."""
    client, key = redis_store.client, redis_keys.buyable()
    client.delete(key)
    sweep_pages.apply()
    assert client.hget(key, str(shop.apples)) == "10"
    client.hset(key, str(shop.apples), "3")  # a mark a build would overwrite
    sweep_pages.apply()
    assert client.hget(key, str(shop.apples)) == "3"  # 300 s left: not built
    client.expire(key, int(2.5 * app.config["INDEX_SAFETY_NET_SECONDS"]) - 1)
    sweep_pages.apply()
    assert client.hget(key, str(shop.apples)) == "10" and client.ttl(key) > 250


def test_after_flask_warm_pages_the_next_sweep_writes_nothing(app, shop):
    """What ops run after a deploy notes the token too: the first sweep is not a full one."""
    an_hour_ago = utcnow() - timedelta(hours=1)
    for model in page_sweep.WATCHED:
        db.session.execute(update(model).values(updated_at=an_hour_ago))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["warm-pages"])
    assert result.exit_code == 0, result.output
    assert sweep() == 0
