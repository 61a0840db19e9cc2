"""Homepage, detail page and category list: parse, ask the page layer, send.

Each catalogue page has one address, its ``PageKey.url`` (the one nginx knows a file for):
any other spelling of it (``?page=1``, the default sort written out, the parameters in
another order, a trailing ``?``, a parameter the page does not read) answers 301 there, so a
page is cached, tagged and counted under one name, and the next request is a file.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, abort, redirect, request
from flask_login import current_user

from storefront.blueprints.edge.views import send_page
from storefront.services import sorts, validate
from storefront.services.cart import shopper
from storefront.services.pages import render as pages
from storefront.services.pages.cache import Entry
from storefront.services.pages.keys import PageKey

bp = Blueprint("goods", __name__)


def parse_id(raw: str) -> int:
    """``validate.positive_int`` or a 404 page (never a 500)."""
    value = validate.positive_int(raw)
    if value is None:
        abort(404)
    return value


def elsewhere(key: PageKey, *aliases: str) -> Response | None:
    """A 301 to the page's canonical address when the request spelled it any other way than
    that address or one of ``aliases`` (served from the same file)."""
    canonical = request.script_root + key.url
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or ""
    if not raw.startswith("/"):  # no raw address from the server (or an absolute one)
        query = request.query_string.decode("latin-1")
        raw = request.script_root + request.path + (f"?{query}" if query else "")
    if raw == canonical or raw in (request.script_root + alias for alias in aliases):
        return None
    return redirect(canonical, 301)


def send(shared: Callable[[], Entry | None], personal: Callable[[], str | None]) -> Response:
    """The page (``send_page``); when nginx came here because the page has no file
    (anonymous: it says so, ``X-Page-File``; signed-in: it asks for the shared page only
    then, ``X-Edge``), the worker writes the file, so the next visitor gets it without
    Python. Only a page that exists is queued."""
    if (request.headers.get("X-Page-File") == "missing"
            or request.headers.get("X-Edge") == "ssi"):
        page = shared()
        if page is not None:
            pages.file_missing(page)
        return send_page(lambda: page, personal)
    return send_page(shared, personal)


@bp.get("/")
@bp.get("/index", endpoint="index_alias")
def index() -> Response:
    return elsewhere(PageKey.home(), "/index") or send(
        pages.home, lambda: pages.personal(pages.HOME))


@bp.get("/goods/<sku_id>")
def detail(sku_id: str) -> Response:
    key = PageKey.detail(parse_id(sku_id))
    if moved := elsewhere(key):
        return moved
    response = send(lambda: pages.detail(key.id), lambda: pages.personal(str(key)))
    if current_user.is_authenticated and request.headers.get("X-Edge") != "ssi":
        shopper.record_view(current_user.id, key.id)  # else from nginx's log of views
    return response


@bp.get("/list/<category_id>")
def category_list(category_id: str) -> Response:
    sort = request.args.get("sort", sorts.LIST_DEFAULT)
    sort = sorts.OLD_SPELLINGS.get(sort, sort)  # a sort's name before list and search shared one
    if sort not in sorts.LIST:
        sort = sorts.LIST_DEFAULT
    key = PageKey.category_list(parse_id(category_id), sort,
                                parse_id(request.args.get("page", "1")))
    if moved := elsewhere(key):
        return moved
    return send(lambda: pages.category_list(key.id, key.sort, key.page),
                lambda: pages.personal(str(key)))
