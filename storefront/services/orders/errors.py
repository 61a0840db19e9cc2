"""What checkout and the order flow refuse, with the sentence the shopper reads."""

from __future__ import annotations

from typing import Any


class CheckoutRefused(Exception):
    """Nothing was written; ``message`` says why and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadCheckout(CheckoutRefused):
    """The token is not one we issued to this shopper (forged, another's, malformed)."""


class AlreadyPlaced(CheckoutRefused):
    def __init__(self, order_no: str) -> None:
        super().__init__("This order was placed already.")
        self.order_no = order_no


class PricesChanged(CheckoutRefused):
    def __init__(self, quote: Any) -> None:
        super().__init__("Some prices or counts changed since you opened this page. Please "
                         "check the new total and place the order again.")
        self.quote = quote


class ShortStock(CheckoutRefused):
    def __init__(self, sku_id: int, name: str, left: int, wanted: int) -> None:
        where = f"only {left} left" if left else "sold out"
        super().__init__(f"{name}: {where} (you asked for {wanted}). Nothing was ordered; "
                         "please change the count in your cart.")
        self.sku_id, self.left = sku_id, left


class IllegalMove(Exception):
    """A status change the flow does not allow (delivered → packing, a second cancel)."""
