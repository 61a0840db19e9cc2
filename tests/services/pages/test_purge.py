"""Who hears of stale pages (services/pages/purge.py): chosen once from config, told once
per commit with everything the commit made stale."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from flask import current_app

from storefront import create_app, redis_keys
from storefront.extensions import db, redis_store
from storefront.models import GoodsSKU
from storefront.services.pages import purge
from tests import factories
from tests.servers import HOST

BASE = {"PAGES_PURGE": "", "PAGES_BROADCAST_QUEUE": "", "PAGES_CDN_PURGE_URL": ""}


@pytest.mark.parametrize(("settings", "names"), [
    ({}, ["files"]),
    ({"PAGES_BROADCAST_QUEUE": "pages"}, ["cluster"]),
    ({"PAGES_CDN_PURGE_URL": "http://cdn/purge"}, ["files", "cdn"]),
    ({"PAGES_BROADCAST_QUEUE": "pages", "PAGES_CDN_PURGE_URL": "http://cdn/purge"},
     ["cluster", "cdn"]),
    ({"PAGES_PURGE": "none"}, ["none"]),
    ({"PAGES_PURGE": "files, cdn", "PAGES_CDN_PURGE_URL": "http://cdn/purge"}, ["files", "cdn"]),
])
def test_targets_follow_the_settings(settings, names):
    assert purge.chosen({**BASE, **settings}) == names


@pytest.mark.parametrize("settings", [{"PAGES_PURGE": "varnish"}, {"PAGES_PURGE": "cdn"}])
def test_a_target_that_cannot_work_stops_the_start(settings, app_config):
    with pytest.raises(purge.ConfigError):
        create_app({**app_config, **settings})


def edit_price(sku_id: int, price: str) -> None:
    sku = db.session.get(GoodsSKU, sku_id)
    sku.price = Decimal(price)
    db.session.commit()


@pytest.fixture
def cluster_node(app_config: dict) -> Iterator[factories.Shop]:
    """One node of several (tasks inline: its own broadcast reaches it at once)."""
    app = create_app({**app_config, "PAGES_BROADCAST_QUEUE": "pages", "NODE_NAME": "a"})
    with app.app_context():
        db.create_all()
        shop = factories.small_shop()
        db.session.commit()
        yield shop
        db.session.remove()
        db.engine.dispose()


def test_a_commit_is_announced_once_with_its_pages_and_search_rows(cluster_node):
    """The nodes read one entry batch per commit: the pages and the search rows together
    (they were two announcements, so two broadcasts, before)."""
    shop = cluster_node
    assert current_app.test_client().get(f"/goods/{shop.apples}").status_code == 200
    log = redis_store.client
    before = set(log.zrange(redis_keys.page_changes(), 0, -1))
    edit_price(shop.apples, "7.25")
    entries = set(log.zrange(redis_keys.page_changes(), 0, -1)) - before
    stamps = {item.split("|", 1)[0] for item in entries}
    items = {item.split("|", 1)[1] for item in entries}
    assert len(stamps) == 1, entries
    assert {f"goods:{shop.apples}", f"search:sku:{shop.apples}"} <= items


class _Recorder(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 (http.server's spelling)
        self.server.purges.append((self.path, self.headers.get("Surrogate-Key"),  # type: ignore[attr-defined]
                                   self.headers.get("Fastly-Key")))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture
def cdn() -> Iterator[ThreadingHTTPServer]:
    """A CDN's purge endpoint on loopback that notes each purge it is sent."""
    server = ThreadingHTTPServer((HOST, 0), _Recorder)
    server.purges = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("backend", ["embedded"], indirect=True)
def test_a_cdn_is_told_the_surrogate_keys_of_what_went_stale(app_config, cdn):
    url = f"http://{HOST}:{cdn.server_address[1]}/purge"
    app = create_app({**app_config, "PAGES_CDN_PURGE_URL": url,
                      "PAGES_CDN_PURGE_TOKEN": "t0ken"})
    with app.app_context():
        db.create_all()
        shop = factories.small_shop()
        db.session.commit()
        assert app.test_client().get(f"/goods/{shop.apples}").status_code == 200
        cdn.purges.clear()
        edit_price(shop.apples, "7.25")
        db.session.remove()
        db.engine.dispose()
    [(path, keys, token)] = cdn.purges
    assert (path, token) == ("/purge", "t0ken")
    assert {f"page:goods:{shop.apples}", "search"} <= set(keys.split())
