"""Shoppers who check out over HTTP as a browser does: signed in through the login form, a
line put in the cart, an address in the book, the checkout page's form posted back. The
cluster's tests and the bench's order figures place their orders through it."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from devtools.browser import Browser

ORDER_RE = re.compile(r"/orders/(SF-\d{4}-\d{6})$")
ADDRESS = {"recipient": "Bench Buyer", "phone": "+44 20 7946 0000",
           "lines": "1 Orchard Lane\nLeafton", "postcode": "LF1 2AB"}


class NoCheckout(RuntimeError):
    """The checkout page offered nothing to post (an empty cart, no slot on offer)."""


@dataclass(frozen=True)
class Placed:
    """What the shop answered to one checkout post."""

    status: int
    order_no: str | None  # the order it redirected to (placed now, or by the same page)
    text: str
    seconds: float = 0.0


def _field(page: str, name: str) -> str | None:
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    return match.group(1) if match else None


class Shopper:
    """One signed-in shopper on one address (a node, the balancer, nginx)."""

    def __init__(self, base: str, username: str, password: str,
                 user_agent: str = "storefront-cluster-test") -> None:
        self.username, self.browser = username, Browser(base, user_agent)
        self.browser.sign_in(username, password)
        self.csrf = self.browser.token("/users/addresses")

    def on(self, base: str) -> Browser:
        """The same shopper's cookies, sent to another address (another node)."""
        other = Browser(base, self.browser.user_agent)
        other.cookies = dict(self.browser.cookies)
        return other

    def add_address(self) -> None:
        status, text = self.browser.request("POST", "/users/addresses",
                                            {**ADDRESS, "csrf_token": self.csrf})
        assert status == 302, (status, text[:300])

    def add(self, sku_id: int, count: int = 1) -> int:
        return self.browser.request("POST", "/cart/add", {
            "sku_id": str(sku_id), "count": str(count), "csrf_token": self.csrf})[0]

    def remove(self, sku_id: int) -> int:
        return self.browser.request("POST", "/cart/remove", {
            "sku_id": str(sku_id), "csrf_token": self.csrf})[0]

    def checkout_form(self, any_slot: bool = False) -> dict[str, str]:
        """The checkout page's form as the shopper posts it: their default address, the
        first slot on offer (or any one of them). ``NoCheckout``: nothing to post."""
        status, page = self.browser.get("/checkout")
        slots = re.findall(r'name="slot_id" value="(\d+)"', page)
        if status != 200 or not slots:
            raise NoCheckout(f"no checkout form: HTTP {status}, {len(slots)} slots on offer")
        form = {name: _field(page, name) or "" for name in
                ("csrf_token", "token", "quote", "address_id")}
        return {**form, "slot_id": random.choice(slots) if any_slot else slots[0],  # noqa: S311
                "payment": "on_delivery"}

    def place(self, form: dict[str, str], browser: Browser | None = None) -> Placed:
        """Post the checkout form (through ``browser``: this shopper on another node)."""
        browser = browser or self.browser
        try:
            status, text = browser.request("POST", "/checkout", form, timeout=30)
        except OSError as exc:
            return Placed(599, None, str(exc))  # no answer at all counts as a failure too
        match = ORDER_RE.search(browser.location or "") if status == 302 else None
        return Placed(status, match.group(1) if match else None, text)
