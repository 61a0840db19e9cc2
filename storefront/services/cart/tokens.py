"""The anonymous cart's cookie: the cart's random token, signed with SECRET_KEY.

A cart token is only ever one the shop issued: the cookie carries ``<token>.<signature>``
(itsdangerous, the same signer family as Flask's sessions, with a salt of its own so no other
signed value of the shop passes as a cart). A cookie that is well formed but unsigned, signed
with another key, or altered names no cart: the visitor starts a new one. So a value planted
from a sibling host must at least be one the shop gave out, and never one made up to collide
with a victim's cart key.
"""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, Signer

from storefront.services.cart import shopper

SALT = "storefront.cart-token"
MAX_COOKIE_CHARS = 128  # a signed token is 60; longer is not ours, and not worth an HMAC


def _signer() -> Signer:
    return Signer(current_app.secret_key, salt=SALT)


def cookie_value(token: str) -> str:
    """What the cart cookie holds for ``token``."""
    return _signer().sign(token).decode("ascii")


def token_of(cookie: str | None) -> str | None:
    """The cart token of a cookie the shop signed, else None (a new cart, if one is needed)."""
    if not cookie or len(cookie) > MAX_COOKIE_CHARS:
        return None
    try:
        token = _signer().unsign(cookie).decode("ascii")
    except (BadSignature, UnicodeError):
        return None
    return shopper.valid_token(token)
