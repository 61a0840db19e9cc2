"""deploy/nginx.conf in front of gunicorn, for the catalogue pages themselves (issue 22): one
address per page, each a file, whatever its sort; and a page found without its file gets
one, so the next visitor is not sent to Python.

Run on the "services" backend only, like tests/test_nginx.py, whose fixtures these share.
"""

from __future__ import annotations

import pytest

from tests import test_nginx
from tests.test_nginx import MARKER, publish_marked, sign_in_through

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
