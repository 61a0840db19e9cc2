"""/orders: a shopper's orders; /orders/<order_no>: one of them, its cancel and its review
forms. Another shopper's order is a 404, as is a number that does not exist."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from storefront.models import OrderInfo
from storefront.services import validate
from storefront.services.orders import history, payment, reviews, slots, status
from storefront.services.orders.errors import IllegalMove
from storefront.web import headers

bp = Blueprint("orders", __name__)


headers.keep_private(bp)


@bp.get("/orders")
@login_required
def index() -> str:
    number = validate.positive_int(request.args.get("page", "1"))
    page = history.page_of(current_user.id, number) if number else None
    if page is None:
        abort(404)
    return render_template("orders/list.html", page=page, status_label=status.label)


@bp.get("/orders/<order_no>")
@login_required
def detail(order_no: str) -> str:
    return _detail(_own(order_no))


def _detail(order: OrderInfo, problem: str | None = None) -> str:
    slot = (slots.label(order.slot.starts_at, order.slot.ends_at) if order.slot else None)
    return render_template(
        "orders/detail.html", order=order, slot_label=slot, status_label=status.label,
        timeline=status.timeline(order), payment_label=payment.label(order.payment_method),
        can_cancel=order.status in status.SHOPPER_CANCELS, problem=problem,
        can_review=order.status == OrderInfo.DELIVERED, max_chars=reviews.MAX_CHARS)


@bp.post("/orders/<order_no>/cancel")
@login_required
def cancel(order_no: str) -> Response | tuple[str, int]:
    order = _own(order_no)
    try:
        status.cancel(order.id, by_staff=False)
    except IllegalMove as refused:
        return _detail(_own(order_no), f"{refused} Please contact us if you need to change "
                       "it."), 409
    flash(f"Order {order_no} is cancelled. Nothing will be delivered or charged.", "success")
    return redirect(url_for("orders.detail", order_no=order_no))


@bp.post("/orders/<order_no>/review")
@login_required
def review(order_no: str) -> Response | tuple[str, int]:
    order = _own(order_no)
    line_id = validate.positive_int(request.form.get("line_id"))
    rating = validate.positive_int(request.form.get("rating"))
    comment = request.form.get("comment", "")
    if line_id is None or rating is None or rating > 5 or len(comment) > reviews.MAX_CHARS:
        return _detail(order, f"A review is 1 to 5 stars and at most {reviews.MAX_CHARS} "
                       "characters."), 400
    try:
        reviews.review(current_user.id, order.order_no, line_id, rating, comment)
    except IllegalMove as refused:
        return _detail(_own(order_no), str(refused)), 409
    flash("Thank you for your review! It will show on the product page in a moment.", "success")
    return redirect(url_for("orders.detail", order_no=order_no))


def _own(order_no: str) -> OrderInfo:
    order = history.own(current_user.id, order_no)
    if order is None:
        abort(404)
    return order
