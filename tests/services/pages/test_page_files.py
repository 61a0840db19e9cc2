"""Page files: what the worker writes for nginx, when they go, and how long a page can stay
stale when something fails (README, "Freshness"): never after a commit whose removal ran,
until the next sweep when the process that committed died first (tests/services/pages/
test_sweep.py)."""

from __future__ import annotations

import gzip
import stat
from decimal import Decimal
from pathlib import Path

import brotli
import pytest

from storefront.extensions import db, redis_store
from storefront.models import GoodsCategory, GoodsSKU
from storefront.services.pages import cache as page_cache
from storefront.services.pages import files as page_files
from storefront.services.pages import render as pages
from storefront.services.pages import renders
from storefront.tasks import sweep_pages, warm_pages
from tests.helpers import text


def files_of(key: str) -> dict[str, Path]:
    return {suffix: page_files.path_of(key, suffix)
            for suffix in (".html", ".html.gz", ".html.br")}


def set_price(sku_id: int, price: str) -> None:
    sku = db.session.get(GoodsSKU, sku_id)
    sku.price = Decimal(price)
    db.session.commit()


def test_publish_writes_the_one_page_and_its_twins(app, shop, user):
    key = f"goods:{shop.apples}"
    page_files.path_of(key, ".shtml").parent.mkdir(parents=True, exist_ok=True)
    page_files.path_of(key, ".shtml").write_text("the signed-in copy of the release before")
    assert pages.publish(key)
    paths = files_of(key)
    html = paths[".html"].read_bytes()
    assert b"Fuji apples 500g" in html and b"Add to cart" in html and b"alice" not in html
    # the cart form is one for everybody (checked by origin); the sign-out form's token is
    # nginx's directive, inside a <template> that a browser does not show as sent
    form = html[html.index(b'class="buy-form"'):]
    assert b"csrf_token" not in form[:form.index(b"</form>")]
    assert b"<template data-signed-in><!--# endif -->" in html
    assert b"value='<!--# echo var=\"sf_csrf\" encoding=\"entity\" -->'" in html
    assert gzip.decompress(paths[".html.gz"].read_bytes()) == html
    assert brotli.decompress(paths[".html.br"].read_bytes()) == html
    for path in paths.values():
        assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert not [p for p in paths[".html"].parent.iterdir() if p.name.endswith(".tmp")]
    assert paths[".html"].relative_to(page_files.folder()).as_posix() == f"goods/{shop.apples}.html"
    page_files.remove([key])  # its files go, and any copy a release before wrote beside them
    assert not page_files.path_of(key, ".shtml").exists() and not paths[".html"].exists()


@pytest.mark.parametrize("key", ["home", "goods:7", "list:3:price:2", "list:3:default:1",
                                 "list:3:price-desc:2", "list:3:sales:1"])
def test_file_names_and_keys_map_both_ways(app, key):
    assert page_files.key_of(page_files.path_of(key)) == key


def test_the_file_of_a_page_an_edit_touches_goes_with_the_commit(app, shop, monkeypatch):
    for key in ("home", f"goods:{shop.apples}", f"goods:{shop.prawns}"):
        pages.publish(key)
    monkeypatch.setattr(renders, "send_task", lambda *a, **k: None)  # no worker: see removal
    set_price(shop.apples, "7.25")
    assert not page_files.path_of("home").exists()
    assert not any(p.exists() for p in files_of(f"goods:{shop.apples}").values())
    assert page_files.path_of(f"goods:{shop.prawns}").exists()  # does not show apples


def test_the_worker_writes_them_again_with_the_commit_in_them(app, shop):
    pages.publish(f"goods:{shop.apples}")
    set_price(shop.apples, "7.25")  # tasks run inline here: the render follows the commit
    assert "7.25" in page_files.path_of(f"goods:{shop.apples}").read_text()


def test_a_lost_render_leaves_the_page_fresh_from_the_app_until_the_sweep(
        app, client, shop, monkeypatch):
    pages.publish("home")
    monkeypatch.setattr(renders, "send_task", lambda *a, **k: None)  # the broker lost it
    set_price(shop.apples, "7.25")
    assert not page_files.path_of("home").exists()
    assert "7.25" in text(client.get("/"))  # what nginx sends meanwhile: the app's page
    sweep_pages.apply()
    assert "7.25" in page_files.path_of("home").read_text()


def test_redis_losing_the_tag_record_makes_the_next_edit_remove_every_file(
        app, shop, monkeypatch):
    for key in ("home", f"goods:{shop.apples}", f"goods:{shop.prawns}"):
        pages.publish(key)
    prefix = app.config["CACHE_KEY_PREFIX"]
    client = redis_store.client
    client.delete(*client.keys(f"{prefix}pages:*"))  # Redis restarted empty
    monkeypatch.setattr(renders, "send_task", lambda *a, **k: None)
    set_price(shop.prawns, "44.00")  # it cannot tell which pages show prawns: all go
    assert not list(page_files.folder().rglob("*.html"))


def test_redis_down_at_the_commit_removes_every_file(app, shop, monkeypatch):
    import redis

    for key in ("home", f"goods:{shop.apples}"):
        pages.publish(key)

    def down(*args, **kwargs):
        raise redis.ConnectionError("down")

    monkeypatch.setattr(page_cache, "invalidate", down)
    monkeypatch.setattr(renders, "send_task", lambda *a, **k: None)
    set_price(shop.prawns, "44.00")
    assert not list(page_files.folder().rglob("*.html"))


def test_a_full_clear_warms_every_catalogue_page(app, shop):
    pages.publish("home")  # the node has files: a full clear writes every page again
    category = db.session.get(GoodsCategory, shop.fruit)
    category.name = "Fruit & berries"
    db.session.commit()  # the nav is on every page: everything goes, then the warm-up
    written = {page_files.key_of(p) for p in page_files.folder().rglob("*.html")}
    assert written == set(pages.catalogue_keys())
    assert {f"goods:{shop.apples}", f"list:{shop.fruit}:sales:1", f"list:{shop.fruit}:price-desc:1",
            "home"} <= written
    assert f"goods:{shop.crate}" not in written  # off sale: no page
    assert "Fruit &amp; berries" in page_files.path_of(f"goods:{shop.prawns}").read_text()


def test_warming_keeps_to_its_rate(app, shop, monkeypatch):
    """A clock that only moves when the task sleeps: n pages at 20 a second take (n-1)/20 s
    of it, whatever this machine's speed."""
    from storefront import tasks

    clock = [1000.0]
    monkeypatch.setattr(tasks.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(tasks.time, "sleep", lambda s: clock.__setitem__(0, clock[0] + s))
    app.config.update(CELERY_TASK_ALWAYS_EAGER=False, PAGE_WARM_PER_SECOND=20)
    keys = list(pages.catalogue_keys())
    assert warm_pages.run() == len(keys)
    assert clock[0] - 1000.0 == pytest.approx(len(keys) / 20)


def test_a_render_overtaken_by_an_edit_queues_its_page_again(app, shop, monkeypatch):
    """The edit came while the page was between its old tag sets and its new ones, so the
    edit could not find it: the overtaken render must queue it, or no file comes back."""
    key = f"goods:{shop.apples}"
    pages.detail(shop.prawns)  # the shop has served a page that does not show apples
    sent = []
    monkeypatch.setattr(renders, "send_task", lambda task, **kw: sent.append(task))
    real_rebuild = pages.rebuild

    def rebuild_overtaken(k):
        set_price(shop.apples, "7.25")  # commits after the render noted the generation,
        return real_rebuild(k)  # before the page is in any tag set: the edit finds nothing

    monkeypatch.setattr(pages, "rebuild", rebuild_overtaken)
    assert pages.publish(key) is False
    assert not page_files.path_of(key).exists()  # it cannot tell which rows it read
    # (the edit's commit queued the stock and search work, but no render: it found no page)
    assert [t for t in sent if t.endswith("render_pages")] == ["storefront.tasks.render_pages"]
    assert key in renders.take_pending("test")


def test_a_full_clear_on_a_node_without_files_writes_none(app, shop):
    """Nothing was written yet (a fresh node, a test's own shop): a change shown on every
    page removes nothing and warms nothing; pages are rendered when asked for."""
    category = db.session.get(GoodsCategory, shop.fruit)
    category.name = "Fruit & berries"
    db.session.commit()
    assert not list(page_files.folder().rglob("*.html"))
