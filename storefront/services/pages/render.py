"""The page layer: one function per catalogue page, each returning the page to send.

``home()``, ``detail(sku_id)`` and ``category_list(category_id, sort, page)`` give a
``page_cache.Entry``: the page rendered once for everybody from ``services.catalog``'s data,
with nginx's directives where a visitor's own parts go (templates/_edge.html), its copy
for nobody in particular, and the tags of everything it shows. ``personal(key)`` renders
the same page for the visitor of this request (no nginx in front). A view sends it; the
worker writes it to disk (``page_files``) for nginx; the freshness listener finds it by
tag. Nobody outside this module sees a key.

Keys: ``PageKey`` (services/pages/keys.py), passed around as ``str(key)``.

``search(query)`` renders a results page the same way, shared by every visitor. Results
pages are kept in this process under the search index's ``stamp``: every commit to the
index (each edit of a SKU, product or category) names a new one, so a kept page never
outlives the edit that changed it, on any node, with nothing to clear (README, "Search").
"""

from __future__ import annotations

import functools
import hashlib
import io
import logging
import re
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any

from flask import current_app, g, get_template_attribute, render_template, url_for
from markupsafe import Markup
from sqlalchemy import func, select

from storefront.extensions import db
from storefront.models import GoodsSKU
from storefront.services import catalog
from storefront.services.offers import pages as offer_pages
from storefront.services.offers import schedule as boundaries
from storefront.services.pages import cache as page_cache
from storefront.services.pages import files as page_files
from storefront.services.pages import renders, tags
from storefront.services.pages.cache import Entry
from storefront.services.pages.keys import PageKey
from storefront.services.search import index as search_index
from storefront.services.search import query as search_service
from storefront.services.search import synonyms

log = logging.getLogger(__name__)

HOME = str(PageKey.home())


def home() -> Entry:
    entry = page_cache.get_or_build(HOME, _build_home)
    assert entry is not None  # the homepage always exists
    return entry


def detail(sku_id: int) -> Entry | None:
    """The SKU's page, or None when it is missing or off sale."""
    key = str(PageKey.detail(sku_id))
    return page_cache.get_or_build(key, lambda: _build_detail(key, sku_id))


def category_list(category_id: int, sort: str, page: int) -> Entry | None:
    """One page of a category's SKUs, or None for a missing category or a page past the end."""
    key = str(PageKey.category_list(category_id, sort, page))
    return page_cache.get_or_build(key, lambda: _build_list(key, category_id, sort, page))


def file_missing(entry: Entry) -> None:
    """nginx found no file for this catalogue page and asked the app: it would send every
    visitor here until the worker writes it, so that is queued now, once (``renders``)."""
    renders.render_missing(entry.key)


SEARCH_PAGE_SECONDS = 60  # bounds a page kept while the index could not be updated
_search_pages: OrderedDict[tuple, Entry] = OrderedDict()
_search_pages_lock = threading.Lock()  # gunicorn's threads share it


def search(query: search_service.Query) -> Entry | None:
    """A page of search results, or None for a page past the last; raises
    ``search_index.Unavailable`` when the index cannot be read."""
    url = query.url(page=query.page)
    kept_as = (search_index.stamp(), synonyms.version(), url)
    entry = _search_pages.get(kept_as)
    if (entry is not None and time.time() - entry.built_at < SEARCH_PAGE_SECONDS
            and not entry.expired):
        return entry
    # a short key: it names the page in a response header (Surrogate-Key)
    key = "search:" + hashlib.blake2b(url.encode(), digest_size=8).hexdigest()
    entry = _render(key, "search/results.html", lambda: search_service.results(query), url=url)
    if entry is not None:
        with _search_pages_lock:
            _search_pages[kept_as] = entry
            while len(_search_pages) > current_app.config["SEARCH_PAGES_KEPT"]:
                _search_pages.popitem(last=False)
    return entry


Unavailable = search_index.Unavailable


def url_of(key: str) -> str:
    """The canonical address of the page at ``key`` (what nginx maps to its file)."""
    return PageKey.parse(key).url


def list_url(category_id: int, sort: str = "default", page: int = 1) -> str:
    """A category list page's canonical address, the one nginx knows a file for (templates)."""
    return (url_for("goods.category_list", category_id=category_id)
            + PageKey.category_list(category_id, sort, page).query)


def rebuild(key: str) -> Entry | None:
    """The page at ``key`` from the database as it is now, stored whatever was cached."""
    page = PageKey.parse(key)
    if page.kind == "home":
        return page_cache.build_and_store(key, _build_home)
    if page.kind == "goods":
        return page_cache.build_and_store(key, lambda: _build_detail(key, page.id))
    return page_cache.build_and_store(
        key, lambda: _build_list(key, page.id, page.sort, page.page))


def personal(key: str) -> str | None:
    """The page at ``key`` rendered for the visitor of this request, from the rows as they
    are now (nothing kept: it is theirs), or None if there is no such page."""
    template, data = _source(key)
    return _render_for_visitor(template, data)


def personal_search(query: search_service.Query) -> str | None:
    return _render_for_visitor("search/results.html", lambda: search_service.results(query))


def _source(key: str) -> tuple[str, Callable[[], dict[str, Any] | None]]:
    """The template of the page at ``key`` and what reads its data."""
    page = PageKey.parse(key)
    if page.kind == "home":
        return "static_index.html", catalog.build_index_context
    if page.kind == "goods":
        return "goods/detail.html", lambda: _detail_data(page.id)
    return "goods/list.html", lambda: catalog.list_skus(page.id, page.sort, page.page)


def catalogue_keys() -> Iterator[str]:
    """Every catalogue page there is: the homepage, each on-sale SKU, each category list in
    each sort and page (what warming renders after a full clear). Two queries."""
    yield HOME
    yield from (str(PageKey.detail(i)) for i in db.session.scalars(
        select(GoodsSKU.id).where(GoodsSKU.on_sale).order_by(GoodsSKU.id)))
    counts = dict(db.session.execute(
        select(GoodsSKU.category_id, func.count()).where(GoodsSKU.on_sale)
        .group_by(GoodsSKU.category_id)).all())
    size = current_app.config["LIST_PAGE_SIZE"]
    for category in catalog.list_categories():
        pages = max(1, -(-counts.get(category["id"], 0) // size))
        for sort in catalog.SORTS:
            yield from (str(PageKey.category_list(category["id"], sort, n))
                        for n in range(1, pages + 1))


# --- building ---------------------------------------------------------------------------


def _build_home() -> Entry:
    return _render(HOME, *_source(HOME))


def _build_detail(key: str, sku_id: int) -> Entry | None:
    return _render(key, *_source(key))


def _build_list(key: str, category_id: int, sort: str, page: int) -> Entry | None:
    return _render(key, *_source(key))


def _detail_data(sku_id: int) -> dict[str, Any] | None:
    sku = catalog.get_sku_detail(sku_id)
    if sku is None:
        return None
    nav = catalog.list_categories()
    category = next((c for c in nav if c["id"] == sku["category_id"]), None)
    return {**sku, "categories": nav, "category": category}


def _render(key: str, template: str, data: Callable[[], dict[str, Any] | None],
            url: str | None = None) -> Entry | None:
    """Read and render in an app and request context of their own: a fresh database
    session (so the rows are read after whatever commit made the page stale) and no trace of
    the visitor whose request this may be (no session, no user, no cookies)."""
    app = current_app._get_current_object()
    with app.app_context(), app.request_context(_nobody_at(url or url_of(key))):
        # every SKU on the page at the price the rule gives now, and when that changes
        values = offer_pages.priced(data())
        if values is None:
            return None
        if values.get("categories"):
            values["nav_markup"] = _nav(values)
        g.shared_page = True  # the visitor's parts inert, for the browser or nginx to fill
        html = _unindented(render_template(template, **values))
    return Entry(key=key, html=html,
                 tags=(tags.page(key), *values["tags"]), built_at=time.time(),
                 fresh_until=values["price_boundary"])


def _nav(values: dict[str, Any]) -> Markup:
    """The category bar of a page about to be rendered, as ``_nav_markup`` keeps it."""
    own = values.get("category")
    return _nav_markup(tuple((c["id"], c["name"], c["logo"]) for c in values["categories"]),
                       own["id"] if own else None)


# At 300 categories the bar was a third of a product or list page's render: 300 links, each
# through url_for, twice a page (bench/results/latest.md). Its markup depends on nothing but
# the categories' ids, names and logos and the page's own category (each page renders as
# nobody at the same address root), so it is rendered once per such pair and kept: a few
# pairs, as the worker renders a category's pages together. A rename is a new pair.
@functools.lru_cache(maxsize=16)
def _nav_markup(categories: tuple[tuple[int, str, str | None], ...],
                active_id: int | None) -> Markup:
    bar = get_template_attribute("_macros.html", "category_nav")
    return bar([{"id": i, "name": name, "logo": logo} for i, name, logo in categories],
               active_id)


def _nobody_at(url: str) -> dict[str, Any]:
    """The WSGI environ of a plain GET of ``url`` by nobody in particular: no cookie, no
    session, no forwarded address; only what ``url_for`` and the templates read. The page is
    the same for every visitor, so it is rendered as no visitor's request."""
    path, _, query = url.partition("?")
    return {"REQUEST_METHOD": "GET", "SCRIPT_NAME": "", "PATH_INFO": path,
            "QUERY_STRING": query, "SERVER_NAME": "localhost", "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr, "wsgi.version": (1, 0),
            "wsgi.multithread": True, "wsgi.multiprocess": True, "wsgi.run_once": False}


def _render_for_visitor(template: str,
                        data: Callable[[], dict[str, Any] | None]) -> str | None:
    values = offer_pages.priced(data())
    return None if values is None else render_template(template, **values)


# The templates' indentation, a tenth of a page's bytes, means nothing to a browser: each
# line's leading blanks go (a line break stays, so words stay apart), but in the elements
# whose text is shown as written.
_KEEP_AS_WRITTEN = re.compile(r"(<(pre|textarea)\b.*?</\2>)", re.S | re.I)
_INDENT = re.compile(r"\n\s+")  # and blank lines


def _unindented(html: str) -> str:
    parts = _KEEP_AS_WRITTEN.split(html)
    # split gives text, (element, its tag name), text, ...: only the text is unindented
    return "".join(_INDENT.sub("\n", part) if n % 3 == 0 else part if n % 3 == 1 else ""
                   for n, part in enumerate(parts))


# --- publishing to disk (the worker) ------------------------------------------------------


def publish(key: str) -> bool:
    """Render the page at ``key`` from the database and write its files; False when the page
    no longer exists (its files go) or an edit overtook the render (they go too, nginx asks
    the app meanwhile, and the page is queued again: the edit may have come while the page
    was in no tag set, so it could not queue it itself)."""
    since, read_at = page_cache.generation(), time.time()
    entry = rebuild(key)
    if entry is None:
        page_files.remove([key])
        return False
    page_files.write(entry, read_at)
    boundaries.guard(entry)  # its files go when an offer on it starts or ends
    if page_cache.stale_since(since, entry.tags):
        page_files.remove([key])
        renders.schedule_render([key])
        return False
    log.info("page written key=%s", key)
    return True
