"""What a shopper reads off a page."""

from __future__ import annotations

import re

from werkzeug.test import TestResponse


def text(response: TestResponse) -> str:
    return response.get_data(as_text=True)


_INERT = re.compile(r"<template\b.*?</template>|<!--.*?-->", re.S)


def shown(page: TestResponse | str) -> str:
    """A page as a browser shows it before any script runs: without its <template>s and
    comments (a shared page's visitor parts are inert in both: templates/_edge.html)."""
    return _INERT.sub("", page if isinstance(page, str) else text(page))


def header_cart_count(response: TestResponse) -> int:
    match = re.search(r'id="cart-count"[^>]*>\s*(\d+)\s*<', shown(response))
    assert match, "the header shows no cart count"
    return int(match.group(1))


def order_of(page: str, *needles: str) -> list[int]:
    """Positions of ``needles`` in ``page``; each must be there."""
    positions = []
    for needle in needles:
        assert needle in page, f"{needle!r} is not on the page"
        positions.append(page.index(needle))
    return positions
