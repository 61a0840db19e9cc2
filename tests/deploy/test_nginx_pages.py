"""deploy/nginx.conf in front of gunicorn, for the catalogue pages themselves (issue 22): one
address per page, each a file, whatever its sort; and a page found without its file gets
one, so the next visitor is not sent to Python.

Run on the "services" backend only, like tests/deploy/test_nginx.py, whose fixtures these share.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from storefront.extensions import db
from storefront.models import Goods, GoodsCategory
from storefront.services.pages import files as page_files
from storefront.services.pages import render as pages
from tests.deploy import test_nginx
from tests.deploy.test_nginx import MARKER, publish_marked, sign_in_through
from tests.factories import sku

pytestmark = pytest.mark.parametrize("backend", ["services"], indirect=True)
site = test_nginx.site  # the same nginx in front of gunicorn


def spellings(shop) -> dict[str, str]:
    """Other spellings of catalogue pages, each with the page's canonical address."""
    c, g = shop.fruit, shop.apples
    return {f"/list/{c}?page=1": f"/list/{c}", f"/list/{c}?sort=default": f"/list/{c}",
            f"/list/{c}?page=1&sort=default": f"/list/{c}", f"/list/{c}?": f"/list/{c}",
            f"/list/{c}?sort=price&page=1": f"/list/{c}?sort=price",
            f"/list/{c}?utm_source=mail&sort=price-desc": f"/list/{c}?sort=price-desc",
            f"/list/{c}?sort=sales&": f"/list/{c}?sort=sales", "/?": "/",
            "/?utm_source=mail": "/", f"/goods/{g}?": f"/goods/{g}",
            f"/goods/{g}?ref=home": f"/goods/{g}"}


def test_every_other_spelling_of_a_page_answers_301_to_the_address_of_its_file(site, shop,
                                                                                user):
    for key in test_nginx.catalogue(shop):  # every page kind, a list in each sort
        publish_marked(key)
    anonymous, member = site.browser(), site.browser()
    sign_in_through(member)
    for browser in (anonymous, member):
        for spelling, canonical in spellings(shop).items():
            moved = browser.get(spelling)
            assert (moved.status, moved.headers["Location"]) == (301, canonical), spelling
            page = browser.get(canonical)
            assert page.status == 200 and MARKER in page.body, canonical  # its file


def renders_logged(site, key: str) -> int:
    """How many times the app (tasks inline in gunicorn here) wrote the page's files."""
    return site.gunicorn.log_path.read_text().count(f"page written key={key}\n")


def test_a_page_without_its_file_gets_it_back_once_however_many_ask(site, shop, user):
    # given a page whose file was lost, and a new SKU written past the admin (no edit
    # recorded, so nothing queued its page)
    lost = f"goods:{shop.apples}"
    assert pages.publish(lost)
    page_files.remove([lost])
    # (a product of its own in the other category: a sibling spec, or a new arrival in its
    # category, is on the lost page, so the test's own commit would write that page again)
    quinces = sku(db.session.get(GoodsCategory, shop.seafood), Goods(name="Quinces"),
                  "Quinces", "3.20")
    db.session.commit()
    newcomer = quinces.id
    keys = {lost: f"/goods/{shop.apples}", f"goods:{newcomer}": f"/goods/{newcomer}"}
    before = {key: renders_logged(site, key) for key in keys}

    # when 16 visitors, anonymous and signed in, ask for both pages at once (the app answers
    # each: no file yet)
    member = site.browser()
    sign_in_through(member)
    visits = [(browser, path) for path in keys.values()
              for browser in [member] * 3 + [site.browser() for _ in range(5)]]
    with ThreadPoolExecutor(len(visits)) as pool:
        replies = list(pool.map(lambda visit: visit[0].get(visit[1]), visits))
    assert [r.status for r in replies] == [200] * len(visits)

    # then each file is back shortly after, written once, and the next visitor gets it from
    # disk (even with the app gone)
    deadline = time.monotonic() + 10
    while not all(page_files.path_of(key).exists() for key in keys):
        assert time.monotonic() < deadline, "a page's file never came back"
        time.sleep(0.05)
    assert {key: renders_logged(site, key) - before[key] for key in keys} == dict.fromkeys(keys, 1)
    site.gunicorn.stop()
    for key, path in keys.items():
        reply = site.browser().get(path)
        assert (reply.status, reply.body) == (200, page_files.path_of(key).read_bytes())
