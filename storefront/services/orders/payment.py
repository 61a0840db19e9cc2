"""How an order is paid. A method has a key (stored on the order), a label for the shopper
and ``start``: what happens when an order is placed with it. The shop has one built-in
method, paid at the door; a gateway is one more class registered here (README, "Payment").
"""

from __future__ import annotations

from typing import Protocol

from storefront.models import OrderInfo


class PaymentMethod(Protocol):
    key: str  # stored in OrderInfo.payment_method (at most 30 characters)
    label: str

    def start(self, order: OrderInfo) -> str | None:
        """Called after the order is committed; a URL to send the shopper to (a gateway's
        payment page), or None when there is nothing to pay now."""


class PayOnDelivery:
    key = "on_delivery"
    label = "Pay on delivery (card or cash)"

    def start(self, order: OrderInfo) -> str | None:
        return None  # the driver takes the payment at the door


METHODS: dict[str, PaymentMethod] = {}


def register(method: PaymentMethod) -> None:
    METHODS[method.key] = method


def get(key: str | None) -> PaymentMethod | None:
    return METHODS.get(key or "")


def label(key: str) -> str:
    method = get(key)
    return method.label if method else key


register(PayOnDelivery())
