"""What a shopper pays: the one place a line's price and the delivery fee are decided.

``unit_price`` is where offers plug in (SPEC "Prices": one rule for every page, the cart,
checkout and the order); today it is the SKU's own price. Money is ``Decimal``, rounded half
up to cents.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from flask import current_app

from storefront.models import GoodsSKU

CENT = Decimal("0.01")


def money(value: object) -> Decimal:
    """A setting or a sum as cents: settings may arrive as float from FLASK_* (JSON)."""
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def unit_price(sku: GoodsSKU, at: datetime) -> Decimal:
    """The price of one unit of ``sku`` at the moment ``at``."""
    return money(sku.price)


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    delivery_fee: Decimal
    total: Decimal
    free_delivery_over: Decimal
    min_order: Decimal

    @property
    def below_minimum(self) -> bool:
        return self.subtotal < self.min_order

    @property
    def away_from_free_delivery(self) -> Decimal:
        """How much more would make delivery free (0 once it is)."""
        return max(self.free_delivery_over - self.subtotal, Decimal("0.00"))


def totals(subtotal: Decimal) -> Totals:
    """Delivery fee and total for a subtotal: the fee is waived once the subtotal reaches
    FREE_DELIVERY_OVER."""
    cfg = current_app.config
    free_over, fee = money(cfg["FREE_DELIVERY_OVER"]), money(cfg["DELIVERY_FEE"])
    subtotal = money(subtotal)
    fee = Decimal("0.00") if subtotal >= free_over or subtotal <= 0 else fee
    return Totals(subtotal, fee, subtotal + fee, free_over, money(cfg["MIN_ORDER"]))
