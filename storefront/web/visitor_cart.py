"""Whose cart a request is: the account's when signed in, else the cart of the random id in
the visitor's cart cookie (``CART_COOKIE``: HttpOnly, SameSite=Lax, ``ANONYMOUS_CART_DAYS``).

The cookie is there only while that cart has lines. nginx reads it as a routing hint, like
``SIGNED_IN_COOKIE``: without either a visitor gets the page files; with one, the page with
their own parts (the cart count) filled in (deploy/nginx.conf). So the first add sets it,
removing the last line or signing in (the cart merges into the account's) drops it, and a
visitor with an empty cart is back on the static files.

Cross-site requests: an anonymous visitor's cart forms carry no CSRF token (the shared page
files cannot hold one, and a token would need a session for every visitor), so an anonymous
cart write must prove it comes from this site's own pages instead (``same_origin``).
"""

from __future__ import annotations

import logging

from flask import Flask, Response, current_app, g, request
from flask_login import current_user

from storefront.services.accounts import throttle
from storefront.services.cart import lines as cart_lines
from storefront.services.cart import merge as cart_merge
from storefront.services.cart import shopper, tokens

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    app.after_request(_keep_cookie_in_step)


def _token() -> str | None:
    return tokens.token_of(request.cookies.get(current_app.config["CART_COOKIE"]))


def has_cart() -> bool:
    """An anonymous visitor whose cookie names a cart (nginx's hint, checked)."""
    return not current_user.is_authenticated and _token() is not None


class TooManyCarts(Exception):
    """This client address has started NEW_CARTS_PER_ADDRESS carts already."""


def current(create: bool = False) -> shopper.Cart | None:
    """This visitor's cart; for an anonymous visitor without one, None, or with ``create`` a
    new one (its cookie is set only once a line is in it: ``changed``), at most
    NEW_CARTS_PER_ADDRESS per client address (``TooManyCarts``): each costs Redis memory
    that must not be evicted."""
    if current_user.is_authenticated:
        return shopper.user_cart(current_user.id)
    token = _token()
    if token is None:
        if not create:
            return None
        if not throttle.new_cart_allowed(request.remote_addr):
            raise TooManyCarts
        token, g.new_cart = shopper.new_token(), True
    g.cart_token = token
    return shopper.visitor_cart(token)


def is_new() -> bool:
    """Whether ``current`` made this visitor's cart in this request (a one-visit cart)."""
    return bool(g.get("new_cart"))


def changed(lines_left: int) -> None:
    """After a write to ``current()``: the cookie follows the anonymous cart (set, with its
    30 days renewed, while it has lines; dropped when it has none)."""
    if "cart_token" in g:
        g.cart_cookie = lines_left > 0


def has_cart_after() -> bool:
    """Whether this anonymous visitor has a cart once this response's cookie is set: a
    first line made one, a last line removed or a merge ended it."""
    keep = g.get("cart_cookie")
    return has_cart() if keep is None else bool(keep) and not current_user.is_authenticated


def count_after() -> int | None:
    """The header's count for the cart of ``has_cart_after``; None without one."""
    if not has_cart_after():
        return None
    token = g.get("cart_token") or _token()
    return None if token is None else shopper.count(shopper.visitor_cart(token))


def merge_at_sign_in(user_id: int) -> None:
    """The anonymous cart joins the account's (counts add, capped at the stock). If Redis
    does not answer, the cookie stays and the next sign-in merges it."""
    token = _token()
    if token is None:
        return
    try:
        counts = shopper.lines(shopper.visitor_cart(token))
        cart_merge.merge(token, user_id, cart_lines.stock_of(counts))
    except shopper.StoreUnavailable:
        log.warning("redis unavailable: anonymous cart not merged at sign-in", exc_info=True)
        return
    g.cart_cookie = False


def same_origin() -> bool:
    """Whether the browser says this request comes from this site's own pages.

    ``Sec-Fetch-Site`` (every current browser sends it; a page cannot forge it) must be
    "same-origin"; a browser without it must send an ``Origin`` equal to ours. A request
    with neither is refused. This is the check Go's net/http CrossOriginProtection makes,
    stricter in refusing requests that name no origin at all.
    """
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site == "same-origin"
    origin = request.headers.get("Origin")
    return origin is not None and origin == f"{request.scheme}://{request.host}"


def _keep_cookie_in_step(response: Response) -> Response:
    keep = g.get("cart_cookie")
    if keep is None:
        return response
    config = current_app.config
    name = config["CART_COOKIE"]
    if keep:
        response.set_cookie(name, tokens.cookie_value(g.cart_token),
                            max_age=config["ANONYMOUS_CART_DAYS"] * 86400, httponly=True,
                            samesite="Lax",
                            secure=current_app.session_interface.get_cookie_secure(
                                current_app))
    elif name in request.cookies:
        response.delete_cookie(name, httponly=True, samesite="Lax")
    return response
