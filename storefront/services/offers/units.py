"""Unit prices, as shelf labels print them: $/kg, $/l, $ each.

A SKU's unit quantity is data (``GoodsSKU.unit_quantity`` + ``unit_measure``), never parsed
from its name. The unit price is the price a page shows (offers applied) over that quantity,
rounded half-up to cents like any shown price.
"""

from __future__ import annotations

from decimal import Decimal

from storefront.services.offers.rules import cents

# measure -> (how many of it make the reference unit, the label of that unit)
MEASURES: dict[str, tuple[Decimal, str]] = {
    "g": (Decimal(1000), "kg"),
    "kg": (Decimal(1), "kg"),
    "ml": (Decimal(1000), "l"),
    "l": (Decimal(1), "l"),
    "each": (Decimal(1), "each"),
}


def unit_price(price: Decimal, quantity: Decimal | None, measure: str | None
               ) -> tuple[Decimal, str] | None:
    """(price per reference unit, its label), or None when there is nothing useful to say:
    no quantity, an unknown measure, or a single item (its price is already its unit price)."""
    if not quantity or quantity <= 0 or measure not in MEASURES:
        return None
    per, label = MEASURES[measure]
    if label == "each" and quantity == 1:
        return None
    return cents(price * per / quantity), label


def label(price: Decimal, quantity: Decimal | None, measure: str | None) -> str:
    """"$19.80/kg", "$0.55 each", or "" (templates print it as it is)."""
    found = unit_price(price, quantity, measure)
    if found is None:
        return ""
    value, unit = found
    return f"${value} each" if unit == "each" else f"${value}/{unit}"
