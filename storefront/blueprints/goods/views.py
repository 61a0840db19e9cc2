"""Homepage, detail page and category list: parse, ask the page layer, send."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, request
from flask_login import current_user

from storefront.blueprints.edge.views import send_page
from storefront.services import catalog, sorts, validate
from storefront.services.cart import shopper
from storefront.services.pages import render as pages
from storefront.services.pages.keys import PageKey

bp = Blueprint("goods", __name__)


def parse_id(raw: str) -> int:
    """``validate.positive_int`` or a 404 page (never a 500)."""
    value = validate.positive_int(raw)
    if value is None:
        abort(404)
    return value


@bp.get("/")
@bp.get("/index", endpoint="index_alias")
def index() -> Response:
    return send_page(pages.home, lambda: pages.personal(pages.HOME))


@bp.get("/goods/<sku_id>")
def detail(sku_id: str) -> Response:
    sku = parse_id(sku_id)
    response = send_page(lambda: pages.detail(sku),
                         lambda: pages.personal(str(PageKey.detail(sku))))
    if current_user.is_authenticated and request.headers.get("X-Edge") != "ssi":
        shopper.record_view(current_user.id, sku)  # else from nginx's log of views
    return response


@bp.get("/list/<category_id>")
def category_list(category_id: str) -> Response:
    sort = request.args.get("sort", sorts.LIST_DEFAULT)
    number = parse_id(request.args.get("page", "1"))
    if sort in sorts.OLD_SPELLINGS:  # a sort's name before list and search shared one
        return redirect(pages.list_url(parse_id(category_id), sorts.OLD_SPELLINGS[sort],
                                       number), 301)
    if sort not in catalog.SORTS:
        sort = sorts.LIST_DEFAULT
    category = parse_id(category_id)
    return send_page(lambda: pages.category_list(category, sort, number),
                     lambda: pages.personal(str(PageKey.category_list(category, sort, number))))
