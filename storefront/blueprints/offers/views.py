"""/offers/<id>: what an offer covers, where its promotion banner leads."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from storefront.services import catalog, validate
from storefront.services.offers import pages as offer_pages

bp = Blueprint("offers", __name__)


@bp.get("/offers/<offer_id>")
def offer(offer_id: str) -> str:
    ident = validate.positive_int(offer_id)
    data = offer_pages.offer_page(ident, catalog.sku_card) if ident is not None else None
    if data is None:
        abort(404)
    return render_template("offers/offer.html", categories=catalog.list_categories(), **data)
