"""What a shopper reads off a page."""

from __future__ import annotations

import re

from werkzeug.test import TestResponse


def text(response: TestResponse) -> str:
    return response.get_data(as_text=True)


def header_cart_count(response: TestResponse) -> int:
    match = re.search(r'id="cart-count"[^>]*>\s*(\d+)\s*<', text(response))
    assert match, "the header shows no cart count"
    return int(match.group(1))


def order_of(page: str, *needles: str) -> list[int]:
    """Positions of ``needles`` in ``page``; each must be there."""
    positions = []
    for needle in needles:
        assert needle in page, f"{needle!r} is not on the page"
        positions.append(page.index(needle))
    return positions
