"""Add to cart: a signed-in POST with a CSRF token, a valid SKU and a sensible count."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from storefront.blueprints.cart.forms import AddToCartForm
from storefront.blueprints.goods.views import positive_int
from storefront.extensions import db
from storefront.models import GoodsSKU
from storefront.services import shopper

bp = Blueprint("cart", __name__)


@bp.post("/add")
@login_required
def add() -> Response | tuple[str, int]:
    form = AddToCartForm()
    if not form.validate():
        # count problems first: the CSRF and sku_id errors say nothing useful to a shopper
        errors = form.count.errors or form.sku_id.errors or ["The form expired; please retry."]
        return _refuse(errors[0], 400)
    sku_id = positive_int(str(form.sku_id.data))
    sku = db.session.get(GoodsSKU, sku_id) if sku_id else None
    if sku is None or not sku.is_on_sale:
        return _refuse("That product is not for sale.", 404)
    count = form.count.data
    try:
        shopper.add_to_cart(current_user.id, sku.id, count, sku.stock)
    except shopper.NotEnoughStock as exc:
        return _refuse(
            f"Only {sku.stock} {sku.unit} of {sku.name} in stock"
            + (f", and {exc.in_cart} are already in your cart." if exc.in_cart else "."),
            409,
            sku,
        )
    except shopper.StoreUnavailable:
        return _refuse("The cart is unavailable just now. Please try again in a moment.", 503, sku)
    flash(f"Added {count} × {sku.name} to your cart.", "success")
    return redirect(url_for("goods.detail", sku_id=sku.id))


def _refuse(message: str, status: int, sku: GoodsSKU | None = None) -> tuple[str, int]:
    back = url_for("goods.detail", sku_id=sku.id) if sku else url_for("goods.index")
    return render_template("cart/refused.html", message=message, back=back), status
