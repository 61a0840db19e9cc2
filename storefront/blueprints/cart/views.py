"""Add to cart: a signed-in POST with a CSRF token, a valid SKU and a sensible count.

The body is a form, or a JSON object of the same fields (with the token in X-CSRFToken or
in the object); anything else is a 400 that changes nothing.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.exceptions import BadRequest
from werkzeug.wrappers import Response

from storefront.blueprints.cart.forms import AddToCartForm
from storefront.extensions import db
from storefront.models import GoodsSKU
from storefront.services import shopper, validate

bp = Blueprint("cart", __name__)


@bp.post("/add")
@login_required
def add() -> Response | tuple[str, int]:
    try:
        form = AddToCartForm()  # a JSON body is checked as it is read (web.FormJsonRequest)
    except BadRequest as exc:
        return _refuse(exc.description or "", 400)
    if not form.validate():
        # count problems first: the CSRF and sku_id errors say nothing useful to a shopper
        errors = form.count.errors or form.sku_id.errors or ["The form expired; please retry."]
        return _refuse(errors[0], 400)
    sku_id = validate.positive_int(str(form.sku_id.data))
    # A shared row lock (MariaDB; SQLite ignores it) until this request ends: a SKU deleted
    # meanwhile commits only after the line below is in Redis, so the after-commit sweep
    # of carts (shopper.forget_skus) finds it there instead of missing it.
    sku = db.session.get(GoodsSKU, sku_id, with_for_update={"read": True}) if sku_id else None
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
