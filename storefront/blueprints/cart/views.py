"""The cart: its page, and adding, changing and removing lines, for every visitor.

Each change is a POST that answers with a clear message (a flash and a redirect, or a page
saying what was refused). The forms carry no token (the page files are one for every
visitor), so a post must come from this site's own pages (``visitor_cart.same_origin``: the
browser's word, which a page elsewhere cannot forge); a signed-in visitor's script may send
the session's CSRF token instead. The body is a form, or a JSON object of the same fields
(with the token in X-CSRFToken or in the object); anything else is a 400 that changes nothing.
"""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import BadRequest
from werkzeug.wrappers import Response

from storefront.blueprints.cart.forms import AddToCartForm, CartLineForm
from storefront.extensions import csrf, db
from storefront.models import GoodsSKU
from storefront.services import validate
from storefront.services.cart import lines as cart_lines
from storefront.services.cart import shopper
from storefront.services.orders import pricing
from storefront.web import visitor_cart

bp = Blueprint("cart", __name__)
csrf.exempt(bp)  # checked in _posted: the same-origin proof, or a signed-in visitor's token

Refusal = tuple[str, int]
UNAVAILABLE = "The cart is unavailable just now. Please try again in a moment."


@bp.get("")
def show() -> Response:
    cart = visitor_cart.current()
    try:
        counts = shopper.lines(cart) if cart else {}
    except shopper.StoreUnavailable:
        return _private(render_template("cart/cart.html", summary=None), 503)
    if cart is not None and not counts:
        visitor_cart.changed(0)  # an expired anonymous cart: back on the static pages
    summary = cart_lines.read(counts)
    g.cart_count = summary.items  # the header's count, from the same rows (edge.fill_in)
    return _private(render_template("cart/cart.html", summary=summary,
                                    totals=pricing.totals(summary.total)), 200)


@bp.post("/add")
def add() -> Response | Refusal:  # noqa: PLR0911  (one answer per refusal a shopper can meet)
    form = _posted(AddToCartForm)
    if not isinstance(form, AddToCartForm):
        return form
    # A shared row lock (MariaDB; SQLite ignores it) until this request ends: a SKU deleted
    # meanwhile commits only after the line below is in Redis, so the after-commit sweep
    # of carts (shopper.forget_skus) finds it there instead of missing it.
    sku = _on_sale(form, lock=True)
    if sku is None:
        return _refuse("That product is not for sale.", 404)
    try:
        count, cart = form.count.data, visitor_cart.current(create=True)
    except visitor_cart.TooManyCarts:
        return _refuse("Too many new carts from your network just now. Please try again "
                       "later, or sign in.", 429, sku)
    try:
        shopper.add_to_cart(cart, sku.id, count, sku.stock, visitor_cart.is_new())
    except shopper.NotEnoughStock as exc:
        return _refuse(
            f"Only {sku.stock} {sku.unit} of {sku.name} in stock"
            + (f", and {exc.in_cart} are already in your cart." if exc.in_cart else "."),
            409, sku)
    except shopper.CartFull:
        return _refuse(f"Your cart is full: {shopper.MAX_LINES} products at most. Please "
                       "remove one first.", 409, cart=True)
    except shopper.CartMerged:
        visitor_cart.changed(0)  # that cookie's cart is closed: drop it
        return _refuse("This cart moved into your account when you signed in. Please sign "
                       "in to add to it.", 409, sku)
    except shopper.StoreUnavailable:
        return _refuse(UNAVAILABLE, 503, sku)
    visitor_cart.changed(1)
    flash(f"Added {count} × {sku.name} to your cart.", "success")
    return redirect(url_for("goods.detail", sku_id=sku.id))


@bp.post("/update")
def update() -> Response | Refusal:
    form = _posted(AddToCartForm)
    if not isinstance(form, AddToCartForm):
        return form
    sku, cart, count = _on_sale(form), visitor_cart.current(), form.count.data
    if sku is None:
        return _refuse("That product is no longer for sale. Please remove it.", 404, cart=True)
    if count > sku.stock:
        return _refuse(f"Only {sku.stock} {sku.unit} of {sku.name} in stock.", 409,
                       cart=True)
    try:
        if cart is None:
            raise shopper.NotInCart
        shopper.set_count(cart, sku.id, count)
    except shopper.NotInCart:
        return _refuse(f"{sku.name} is not in your cart.", 404, cart=True)
    except shopper.StoreUnavailable:
        return _refuse(UNAVAILABLE, 503, cart=True)
    flash(f"Your cart now has {count} × {sku.name}.", "success")
    return redirect(url_for("cart.show"))


@bp.post("/remove")
def remove() -> Response | Refusal:
    form = _posted(CartLineForm)
    if not isinstance(form, CartLineForm):
        return form
    sku_id, cart = validate.positive_int(str(form.sku_id.data)), visitor_cart.current()
    if sku_id is None:
        return _refuse("That is not a product of ours.", 400, cart=True)
    try:
        removed, left = shopper.remove(cart, sku_id) if cart else (False, 0)
    except shopper.StoreUnavailable:
        return _refuse(UNAVAILABLE, 503, cart=True)
    if not removed:
        return _refuse("That product is not in your cart.", 404, cart=True)
    visitor_cart.changed(left)
    sku = db.session.get(GoodsSKU, sku_id)
    flash(f"Removed {sku.name if sku else 'the product'} from your cart.", "success")
    return redirect(url_for("cart.show"))


def _posted(form_class: type[FlaskForm]) -> FlaskForm | Refusal:
    """The posted form, validated; or the refusal. The browser must say the form came from
    our own pages (the cart forms of the shared pages carry no token: they are one file for
    everybody); a signed-in visitor's request that does not say so may carry the session's
    CSRF token instead (a script's X-CSRFToken)."""
    try:
        if visitor_cart.same_origin():
            pass
        elif current_user.is_authenticated:
            csrf.protect()  # the token in the form, the JSON object or X-CSRFToken
        else:
            return _refuse("Please use the forms on our own pages to change your cart.", 403)
        # a JSON body is checked as it is read (web.FormJsonRequest)
        form = form_class(meta={"csrf": False})
    except CSRFError:
        return _refuse("The form expired; please retry.", 400)
    except BadRequest as exc:
        return _refuse(exc.description or "", 400)
    if not form.validate():
        # count problems first: the sku_id errors say nothing useful to a shopper
        count_errors = getattr(form, "count", None) and form.count.errors
        return _refuse((count_errors or form.sku_id.errors or ["Please retry."])[0], 400)
    return form


def _on_sale(form: AddToCartForm, lock: bool = False) -> GoodsSKU | None:
    sku_id = validate.positive_int(str(form.sku_id.data))
    lock_mode = {"read": True} if lock else None
    sku = db.session.get(GoodsSKU, sku_id, with_for_update=lock_mode) if sku_id else None
    return sku if sku is not None and sku.on_sale else None


def _refuse(message: str, status: int, sku: GoodsSKU | None = None,
            cart: bool = False) -> Refusal:
    """A page saying what was refused, with the way back (the cart, or the product)."""
    back = (url_for("cart.show") if cart else
            url_for("goods.detail", sku_id=sku.id) if sku else url_for("goods.index"))
    adding = not cart and request.path == url_for("cart.add")
    return render_template("cart/refused.html", message=message, back=back,
                           adding=adding), status


def _private(html: str, status: int) -> Response:
    response = Response(html, status, mimetype="text/html")
    response.headers["Cache-Control"] = "private, no-store"
    return response
