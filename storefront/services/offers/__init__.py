"""Offers and prices: the one price rule every page, the cart, checkout and the order use.

- ``rules``: the rule itself, pure (best offer per line, Decimal, half-up to cents once per
  line; the rule is written out in its docstring);
- ``prices``: a SKU's price at a moment from the database (``price_of``, ``line_total``,
  ``price_lines``, ``quotes`` for a page's SKUs in one query);
- ``units``: unit prices ($/kg, $/l, $ each);
- ``manage``: creating, checking and ending offers (the CLI and the admin share it);
- ``pages``: what the page layer adds to its plain data (was/now, badge, "Ends Sunday",
  unit price) and when a page must go stale (its next price boundary);
- ``schedule``: acting at those boundaries.
"""

from storefront.services.offers.prices import line_total, price_lines, price_of, quotes

__all__ = ["line_total", "price_lines", "price_of", "quotes"]
