"""The category bar on the page files: rendered once per set of categories and page's own
category (services/pages/render.py), it still marks each page's own category, and a renamed
category shows on every page written after the commit."""

from __future__ import annotations

import re

from storefront.extensions import db
from storefront.models import GoodsCategory
from storefront.services.pages import files as page_files
from storefront.services.pages import render as pages
from tests.helpers import text


def nav(html: str) -> str:
    found = re.search(r'<nav class="cat-nav".*?</nav>', html, re.S)
    assert found, "the page shows no category bar"
    return found.group(0)


def marked(html: str) -> list[str]:
    """The names of the categories the bar marks as the page's own."""
    return re.findall(r'aria-current="page">\s*<span[^>]*></span>([^<]+?)\s*</a>', nav(html))


def written(key: str) -> str:
    assert pages.publish(key)
    return page_files.path_of(key).read_text()


def test_each_page_file_marks_its_own_category_in_the_bar(app, client, shop):
    apples, prawns = written(f"goods:{shop.apples}"), written(f"goods:{shop.prawns}")
    fruit_list = written(f"list:{shop.fruit}:default:1")
    seafood_list = written(f"list:{shop.seafood}:default:1")

    assert marked(apples) == marked(fruit_list) == ["Fresh fruit"]
    assert marked(prawns) == marked(seafood_list) == ["Seafood"]
    assert marked(written("home")) == []
    for page in (apples, prawns, fruit_list, seafood_list):
        assert "Fresh fruit" in nav(page) and "Seafood" in nav(page)
    # the same bar as the app renders for a visitor (the page file has no indentation)
    live = text(client.get(f"/goods/{shop.prawns}"))
    assert re.sub(r"\s+", " ", nav(live)) == re.sub(r"\s+", " ", nav(prawns))


def test_a_renamed_category_shows_in_every_page_written_after_the_commit(app, shop):
    written(f"goods:{shop.apples}")
    written(f"list:{shop.seafood}:default:1")  # the bar kept for this page's pair
    category = db.session.get(GoodsCategory, shop.seafood)
    category.name = "Fish & shellfish"
    db.session.commit()  # every page file goes; the worker (inline here) writes them again

    for key in (f"goods:{shop.apples}", f"goods:{shop.prawns}",
                f"list:{shop.seafood}:default:1", "home"):
        page = page_files.path_of(key).read_text()
        assert "Fish &amp; shellfish" in nav(page) and "Seafood" not in nav(page), key
    assert marked(page_files.path_of(f"list:{shop.seafood}:default:1").read_text()) == [
        "Fish &amp; shellfish"]
