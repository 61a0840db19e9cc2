"""The price rule, as pure functions of a normal price, a count and the offers that apply.

The rule (also in the README, "Offers"):
- Each cart line gets at most one offer: of the offers that apply to its SKU at that moment,
  the one that makes the line's total lowest. The shopper always gets the better deal; a tie
  goes to the offer that ends first, then to the lower id, so the choice is stable.
- An offer that would not lower the total (a fixed price above the normal price, a bundle
  that costs more than buying singly, a multibuy on fewer items than it needs) is no offer.
- Percent off: the line costs count x price x (100 - percent) / 100.
  Fixed price: count x the fixed price.
  Multibuy "3for2" (buy 3, pay for 2): each full group of 3 costs 2 x price, the rest full
  price; "2for5.00": each full group of 2 costs 5.00, the rest full price.
- Money is Decimal; a line's total is rounded half-up to cents once, at the end. The price
  a page shows for one item is that same rule with a count of 1, so a tile, the product page
  and a cart line of one always agree. Multibuys do not change the one-item price; pages
  show them as a badge ("3 for 2").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Terms:
    """What an offer does, without where it applies: the part the rule needs."""

    id: int
    name: str
    kind: str  # "percent" | "fixed" | "multibuy"
    ends_at: datetime
    percent: int | None = None
    fixed_price: Decimal | None = None
    buy_count: int | None = None
    pay_count: int | None = None
    bundle_price: Decimal | None = None

    @property
    def badge(self) -> str:
        """How a shelf label says it: "30% off", "Now $4.00", "3 for 2", "2 for $5.00"."""
        if self.kind == "percent":
            return f"{self.percent}% off"
        if self.kind == "fixed":
            return f"Now ${self.fixed_price}"
        if self.pay_count is not None:
            return f"{self.buy_count} for {self.pay_count}"
        return f"{self.buy_count} for ${self.bundle_price}"

    @property
    def is_multibuy(self) -> bool:
        return self.kind == "multibuy"


@dataclass(frozen=True)
class LinePrice:
    """A line of ``count`` items: what it would cost, what it costs, and which offer won."""

    count: int
    normal: Decimal
    total: Decimal
    offer: Terms | None

    @property
    def saving(self) -> Decimal:
        return self.normal - self.total


def exact_total(price: Decimal, count: int, terms: Terms) -> Decimal:
    """The line's total under ``terms`` before rounding (never above the normal total)."""
    normal = price * count
    if terms.kind == "percent":
        total = normal * (100 - (terms.percent or 0)) / 100
    elif terms.kind == "fixed":
        total = (terms.fixed_price or ZERO) * count
    else:
        size = terms.buy_count or 1
        groups, rest = divmod(count, size)
        group_cost = (price * terms.pay_count if terms.pay_count is not None
                      else terms.bundle_price or ZERO)
        total = groups * group_cost + rest * price
    return min(total, normal)


def line(price: Decimal, count: int, offers: Iterable[Terms]) -> LinePrice:
    """The best price of ``count`` items at normal ``price`` under any one of ``offers``."""
    normal = cents(price * count)
    best: tuple[Decimal, Terms] | None = None
    for terms in sorted(offers, key=lambda t: (t.ends_at, t.id)):
        total = cents(exact_total(price, count, terms))
        if total < normal and (best is None or total < best[0]):
            best = (total, terms)
    if best is None:
        return LinePrice(count, normal, normal, None)
    return LinePrice(count, normal, best[0], best[1])


def unit(price: Decimal, offers: Iterable[Terms]) -> LinePrice:
    """The price of one item: what a tile, a product page and the price sorts show."""
    return line(price, 1, [t for t in offers if not t.is_multibuy])
