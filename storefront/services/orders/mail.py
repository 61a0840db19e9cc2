"""The mails an order sends: a confirmation at placing and one at each status change.

Queued only after the commit (``queue``), sent by the worker through SMTP (Flask-Mailman:
MAIL_SERVER, MAIL_PORT, MAIL_DEFAULT_SENDER); on the embedded defaults they are files in
instance/outbox/. A mail that cannot be queued is logged: the order stands.
"""

from __future__ import annotations

import logging

from flask import current_app, render_template
from flask_mailman import EmailMessage

from storefront.extensions import db
from storefront.models import OrderInfo
from storefront.services.orders import payment, slots, status

log = logging.getLogger(__name__)

SUBJECTS = {
    "placed": "Your order {no} is placed",
    "packing": "We are packing your order {no}",
    "out_for_delivery": "Your order {no} is on its way",
    "delivered": "Your order {no} was delivered",
    "cancelled": "Your order {no} is cancelled",
}


def queue(order_id: int, event: str) -> None:
    """After the commit: the worker sends the mail (inline on the embedded defaults)."""
    from storefront import tasks  # tasks import services: never the other way at import

    try:
        tasks.send_order_mail.delay(order_id, event)
    except Exception:  # the broker is down: the order is committed, the mail is lost
        log.error("mail: %s mail of order %s not queued", event, order_id, exc_info=True)


def send(order_id: int, event: str) -> bool:
    """Compose and send one mail (the task calls it); False if the order is gone."""
    order = db.session.get(OrderInfo, order_id)
    if order is None or event not in SUBJECTS:
        return False
    body = render_template(
        "orders/mail.txt", order=order, event=event, status_label=status.label(order.status),
        payment_label=payment.label(order.payment_method),
        slot_label=slots.label(order.slot.starts_at, order.slot.ends_at) if order.slot else "",
        url=current_app.config["SHOP_URL"].rstrip("/") + f"/orders/{order.order_no}")
    EmailMessage(subject=SUBJECTS[event].format(no=order.order_no), body=body,
                 to=[order.user.email]).send()
    return True
