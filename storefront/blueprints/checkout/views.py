"""/checkout: the buyable lines, totals, an address, a slot and how to pay; placing it.

HTTP only: the rules are in services/orders/placing.py. The page carries a one-time token
(a second submit shows the order the first one placed) and a fingerprint of the lines and
prices shown (a change since asks the shopper to confirm the new total).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from storefront.blueprints.checkout.forms import AddressForm, CheckoutForm
from storefront.services import validate
from storefront.services.cart import shopper
from storefront.services.orders import addresses, payment, placing, slots
from storefront.services.orders.errors import (
    AlreadyPlaced,
    BadCheckout,
    CheckoutRefused,
)
from storefront.web import headers, visitor_cart

bp = Blueprint("checkout", __name__)


headers.keep_private(bp)


@bp.before_request
def _signed_in_only() -> Response | None:
    if not current_user.is_authenticated:
        flash("Please sign in or create an account to check out: your cart comes with you.",
              "info")
        return redirect(url_for("users.login", next=url_for("checkout.page")))
    return None


@bp.get("/checkout")
def page() -> Response:
    return _page(CheckoutForm(), placing.issue_token(current_user.id))


@bp.post("/checkout")
def place() -> Response:
    form = CheckoutForm()
    if not form.validate():  # the CSRF token, nothing else is checked here
        return _page(form, placing.issue_token(current_user.id),
                     "This page has expired. Please check your order and place it again.", 400)
    choice = placing.Choice(form.token.data, form.quote.data or "",
                            validate.positive_int(form.address_id.data),
                            validate.positive_int(form.slot_id.data), form.payment.data)
    cart = visitor_cart.current()
    try:
        order = placing.place(current_user.id, cart, choice)
    except AlreadyPlaced as placed:
        flash("You placed this order already: here it is.", "info")
        return redirect(url_for("orders.detail", order_no=placed.order_no))
    except BadCheckout as refused:
        return _page(form, placing.issue_token(current_user.id), refused.message, 400)
    except CheckoutRefused as refused:
        return _page(form, choice.token or "", refused.message, 409, choice)
    except shopper.StoreUnavailable:
        return _page(form, choice.token or "", "Your cart is out of reach for a moment. "
                     "Please try again: nothing was ordered.", 503, choice)
    flash(f"Thank you! Your order {order.order_no} is placed. We have sent you a "
          "confirmation.", "success")
    return redirect(url_for("orders.detail", order_no=order.order_no))


def _page(form: CheckoutForm, token: str, problem: str | None = None, status: int = 200,
          choice: placing.Choice | None = None) -> Response:
    """The checkout page; after a refusal, with what was chosen kept."""
    try:
        quote = placing.quote(visitor_cart.current() or shopper.user_cart(current_user.id))
    except shopper.StoreUnavailable:
        quote, status = None, 503
        problem = problem or "Your cart is out of reach for a moment. Please try again."
    book = addresses.book(current_user.id)
    chosen_address = choice.address_id if choice else next(
        (a.id for a in book if a.is_default), None)
    g.cart_count = sum(x.count for x in quote.lines) if quote else 0
    context: dict[str, Any] = dict(
        quote=quote, form=form, token=token, problem=problem, book=book,
        chosen_address=chosen_address, slots=slots.offered(),
        chosen_slot=choice.slot_id if choice else None, methods=list(payment.METHODS.values()),
        chosen_payment=(choice.payment if choice else None) or payment.PayOnDelivery.key,
        address_form=AddressForm(formdata=None))
    return Response(render_template("checkout/checkout.html", **context), status,
                    mimetype="text/html")
