"""A cart as the cart page shows it: each line with its SKU's row, what it costs, and
whether it can still be bought. One query for all the lines' SKUs, whatever their number.

A line can be bought when its SKU exists, is on sale and has at least the line's count in
stock; the others are shown as unavailable, with what is wrong, and count for nothing (the
header spells the same rule from Redis: ``stock.COUNT_BUYABLE``). Money is ``Decimal``, and
prices are the one price rule's (``services.offers``): offers applied per line, multibuys
with their saving, the same query for every line's offers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from storefront.extensions import db
from storefront.models import GoodsSKU
from storefront.services.offers import prices as offers
from storefront.services.offers import units
from storefront.services.offers.rules import LinePrice

GONE, OFF_SALE, ABOVE_STOCK = "gone", "off_sale", "above_stock"


@dataclass(frozen=True)
class Line:
    sku_id: int
    count: int
    name: str
    unit: str
    price: Decimal
    image: str | None
    stock: int
    problem: str | None  # None: can be bought; else GONE, OFF_SALE or ABOVE_STOCK
    priced: LinePrice | None = None  # the rule's answer for the line (None: not for sale)
    was: Decimal | None = None  # one item's normal price, while an offer lowers it
    unit_price: str = ""  # "$19.80/kg"

    @property
    def total(self) -> Decimal:
        return self.priced.total if self.priced else self.price * self.count

    @property
    def saving(self) -> Decimal:
        return self.priced.saving if self.priced else Decimal("0.00")

    @property
    def offer(self) -> str:
        return self.priced.offer.badge if self.priced and self.priced.offer else ""


@dataclass(frozen=True)
class Summary:
    lines: list[Line]
    total: Decimal  # of the lines that can be bought
    items: int  # ditto: what the header counts

    @property
    def saving(self) -> Decimal:
        return sum((line.saving for line in self.lines if not line.problem), Decimal("0.00"))

    @property
    def unavailable(self) -> list[Line]:
        return [line for line in self.lines if line.problem]


def read(counts: Mapping[int, int]) -> Summary:
    """The lines of a cart (SKU id -> count, as ``shopper.lines`` gives it), in its order."""
    rows = _rows(counts)
    on_sale = [(rows[i], count) for i, count in counts.items() if i in rows
               and rows[i].on_sale]
    found = offers.quotes([sku for sku, _ in on_sale]).by_sku
    lines = [_line(sku_id, count, rows.get(sku_id), found.get(sku_id))
             for sku_id, count in counts.items()]
    good = [line for line in lines if not line.problem]
    return Summary(lines, sum((line.total for line in good), Decimal("0.00")),
                   sum(line.count for line in good))


def stock_of(sku_ids: Iterable[int]) -> dict[int, int]:
    """The stock of each of these SKUs that is on sale (what a merged line is capped at)."""
    return {sku.id: sku.stock for sku in _rows(sku_ids).values() if sku.on_sale}


def _rows(sku_ids: Iterable[int]) -> dict[int, GoodsSKU]:
    ids = list(sku_ids)
    if not ids:
        return {}
    return {sku.id: sku for sku in db.session.scalars(select(GoodsSKU).where(
        GoodsSKU.id.in_(ids)))}


def _line(sku_id: int, count: int, sku: GoodsSKU | None, quote: offers.Quote | None) -> Line:
    if sku is None:
        return Line(sku_id, count, "A product that is no longer sold", "", Decimal("0.00"),
                    None, 0, GONE)
    problem = (OFF_SALE if not sku.on_sale else ABOVE_STOCK if count > sku.stock
               else None)
    if quote is None:
        return Line(sku.id, count, sku.name, sku.unit, sku.price, sku.default_image,
                    max(sku.stock, 0), problem)
    unit = quote.unit
    return Line(sku.id, count, sku.name, sku.unit, unit.total, sku.default_image,
                max(sku.stock, 0), problem, priced=quote.line(count),
                was=sku.price if unit.offer else None,
                unit_price=units.label(unit.total, sku.unit_quantity, sku.unit_measure))
