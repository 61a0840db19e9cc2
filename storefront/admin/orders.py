"""Flask-Admin views of orders and delivery slots. Staff move orders on with actions that
go through the order flow (services/orders/status.py), never by editing the status: an
illegal move is refused with a message, a cancel gives stock and slot back once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash
from flask_admin.actions import action
from flask_admin.contrib.sqla.filters import FilterEqual
from sqlalchemy.exc import SQLAlchemyError
from wtforms import Form, ValidationError

from storefront.admin.base import MAX_INT, ShopModelView, int_range
from storefront.extensions import db
from storefront.models import DeliverySlot, OrderInfo
from storefront.services import validate
from storefront.services.orders import payment, status
from storefront.services.orders.errors import IllegalMove

S = OrderInfo
STATUS_CHOICES = [(str(k), v) for k, v in status.LABELS.items()]


class OrderView(ShopModelView):
    can_create = False
    can_edit = False  # an order changes only through the actions below
    can_delete = False
    column_list = ("order_no", "user", "status", "slot", "total", "payment_method", "created_at")
    column_details_exclude_list = ("checkout_token",)
    column_formatters = {"status": lambda v, c, m, n: status.label(m.status),
                         "payment_method": lambda v, c, m, n: payment.label(m.payment_method)}
    column_searchable_list = ("order_no", "user.username", "recipient", "postcode")
    column_filters = (FilterEqual(S.status, "Status", options=STATUS_CHOICES),
                      FilterEqual(S.slot_id, "Slot (id)"), "slot.starts_at", "created_at")
    column_labels = {**ShopModelView.column_labels, "slot.starts_at": "Slot starts",
                     "payment_method": "Payment"}

    @action("packing", "Move to packing", "Start packing the selected orders?")
    def action_packing(self, ids: list[str]) -> None:
        self._each(ids, lambda i: status.advance(i, S.PACKING), "moved to packing")

    @action("out_for_delivery", "Move to out for delivery",
            "Hand the selected orders to the driver?")
    def action_out_for_delivery(self, ids: list[str]) -> None:
        self._each(ids, lambda i: status.advance(i, S.OUT_FOR_DELIVERY),
                   "out for delivery")

    @action("delivered", "Mark delivered", "Mark the selected orders delivered?")
    def action_delivered(self, ids: list[str]) -> None:
        self._each(ids, lambda i: status.advance(i, S.DELIVERED), "marked delivered")

    @action("cancel", "Cancel", "Cancel the selected orders? Their stock and slots go back.")
    def action_cancel(self, ids: list[str]) -> None:
        self._each(ids, lambda i: status.cancel(i, by_staff=True), "cancelled")

    def _each(self, ids: list[str], move: Callable[[int], None], done: str) -> None:
        """Each order on its own: one refused leaves the others moved, and says why."""
        moved, refused = 0, []
        for order_id in (i for i in map(validate.positive_int, ids) if i is not None):
            try:
                move(order_id)
                moved += 1
            except IllegalMove as exc:
                refused.append(str(exc))
            except SQLAlchemyError:
                db.session.rollback()
                refused.append(f"Order {order_id} could not be changed just now.")
        if moved:
            flash(f"{moved} order(s) {done}.", "success")
        for message in refused:
            flash(message, "error")


class SlotView(ShopModelView):
    can_delete = False  # orders point at their slot: set its capacity to 0 instead
    column_list = ("starts_at", "ends_at", "capacity", "taken")
    column_default_sort = ("starts_at", False)
    column_filters = ("starts_at", "capacity")
    form_columns = ("starts_at", "ends_at", "capacity")
    form_args = {"capacity": {"validators": int_range(0, MAX_INT)}}
    column_labels = {**ShopModelView.column_labels, "starts_at": "Starts", "ends_at": "Ends"}

    def on_model_change(self, form: Form, model: DeliverySlot, is_created: bool) -> None:
        if model.ends_at <= model.starts_at:
            raise ValidationError("A slot ends after it starts.")
        if model.capacity < (model.taken or 0):
            raise ValidationError(f"{model.taken} orders have this slot already: the capacity "
                                  "cannot be lower.")
        super().on_model_change(form, model, is_created)


def views() -> list[Any]:
    people = "Customers & orders"
    return [OrderView(OrderInfo, db, "Orders", people),
            SlotView(DeliverySlot, db, "Delivery slots", people)]
