"""What a shopper pays: the one place a line's price and the delivery fee are decided.

Line prices come from the offers' price rule (``services/offers``: SPEC "Prices", one rule
for every page, the cart, checkout and the order): ``price_lines`` prices a cart's lines at a
moment in one query. Money is ``Decimal``, rounded half up to cents.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

from flask import current_app

from storefront.models import GoodsSKU
from storefront.services.offers import prices
from storefront.services.offers.rules import LinePrice

CENT = Decimal("0.01")


def money(value: object) -> Decimal:
    """A setting or a sum as cents: settings may arrive as float from FLASK_* (JSON)."""
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def price_lines(lines: Iterable[tuple[GoodsSKU, int]], at: datetime
                ) -> dict[int, tuple[Decimal, LinePrice]]:
    """Each (sku, count) line at ``at``: one item's price and the line's price (offers
    applied, a multibuy per line), keyed by SKU id."""
    lines = list(lines)
    if at.tzinfo is None:  # orders keep naive UTC (their DATETIME columns); offers are aware
        at = at.replace(tzinfo=UTC)
    found = prices.quotes([sku for sku, _ in lines], at)
    return {sku.id: (found.by_sku[sku.id].unit.total, found.by_sku[sku.id].line(count))
            for sku, count in lines}


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
