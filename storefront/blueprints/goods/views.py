"""Homepage, detail page and category list: parse, call the catalog, render."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from storefront import page_cache, shells
from storefront.blueprints.cart.forms import AddToCartForm
from storefront.services import catalog, shopper, validate

bp = Blueprint("goods", __name__)


def parse_id(raw: str) -> int:
    """``validate.positive_int`` or a 404 page (never a 500)."""
    value = validate.positive_int(raw)
    if value is None:
        abort(404)
    return value


@bp.get("/")
@bp.get("/index", endpoint="index_alias")
def index() -> str:
    return shells.render_page("goods/index.html", page_cache.INDEX_KEY, page_cache.index_context)


@bp.get("/goods/<sku_id>")
def detail(sku_id: str) -> str:
    sku = parse_id(sku_id)
    html = shells.render_page(
        "goods/detail.html", page_cache.detail_key(sku), lambda: page_cache.sku_detail(sku),
        slot_data=lambda data: {"sku": {"id": sku, "stock": data["sku"]["stock"]}},
        form=AddToCartForm(sku_id=sku, count=1),
    )
    if html is None:
        abort(404)
    if current_user.is_authenticated:
        shopper.record_view(current_user.id, sku)
    return html


@bp.get("/list/<category_id>")
def category_list(category_id: str) -> str:
    sort = request.args.get("sort", "default")
    if sort not in catalog.SORTS:
        sort = "default"
    page = parse_id(request.args.get("page", "1"))
    data = catalog.list_skus(parse_id(category_id), sort, page)
    if data is None:
        abort(404)
    return render_template("goods/list.html", **data)
