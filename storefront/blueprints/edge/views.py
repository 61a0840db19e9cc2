"""The edge: a shared page plus each visitor's own parts.

Catalogue pages are rendered once for everybody (``services.pages``) with SSI directives
where a visitor's name, cart count, CSRF token and flash messages go (``services.ssi``).
- Behind nginx, nginx sends anonymous visitors the page's file and fills the parts in for
  signed-in visitors, and anonymous ones with a cart, from one call to
  ``/_fragments/visitor`` (deploy/nginx.conf). When it
  asks the app for the page itself, it says so (``X-Edge: ssi``) and fills the parts in
  just the same.
- Without nginx (``make run``) the app fills them in itself, with the same values
  (``send_page``, and ``fill_in`` for every other HTML page that extends base.html).
"""

from __future__ import annotations

import re

from flask import Blueprint, Flask, Response, current_app, g, render_template, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import escape

from storefront.services import validate
from storefront.services.cart.shopper import cart_count
from storefront.services.pages import ssi, visitors
from storefront.services.pages.cache import Entry
from storefront.web import caching, visitor_cart

bp = Blueprint("edge", __name__)

HEADERS = {"sf_user": "X-Edge-User", "sf_cart": "X-Edge-Cart", "sf_csrf": "X-Edge-Csrf",
           "sf_flashes": "X-Edge-Flashes"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_DETAIL = re.compile(r"/goods/([1-9][0-9]{0,9})(?:\?|$)")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.after_request(fill_in)


@bp.get("/_fragments/visitor")
def visitor() -> Response:
    """The visitor's own parts of a page, as headers for nginx (auth_request_set). The page
    itself is a file nginx sends: a product page viewed goes into the history here."""
    page = _DETAIL.match(request.headers.get("X-Original-URI", ""))
    viewed = validate.positive_int(page[1]) if page else None
    cart = None
    if "_user_id" in session:  # one Redis round trip: the user row, the cart, the history
        seen = visitors.visit(str(session["_user_id"]), viewed)
        if seen.user is not None:
            # Flask-Login's user_loader takes it from here (storefront._init_login): the
            # visitor's row is not read twice in this request
            g.session_user = seen.user
            cart = seen.cart_count
    response = Response(status=204)
    for name, value in visitor_values(cart).items():
        if value:
            response.headers[HEADERS[name]] = _one_line(value)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def visitor_values(cart: int | None = None) -> dict[str, str]:
    """This visitor's parts, as HTML (escaped); ``cart`` if the cart count is known. An
    anonymous visitor has a cart count only with a cart (one Redis call)."""
    values = {"sf_flashes": render_template("edge/flashes.html") if "_flashes" in session
              else ""}
    if cart is None:
        cart = g.get("cart_count")  # a page that knows it (the cart page) said so
    if current_user.is_authenticated:
        count = cart if cart is not None else cart_count(current_user.id)
        values.update(sf_user=escape(current_user.username), sf_cart=str(count),
                      sf_csrf=generate_csrf())
    elif visitor_cart.has_cart():
        count = cart if cart is not None else visitor_cart.count()
        if count is not None:
            values["sf_cart"] = str(count)
    return values


def _one_line(html: str) -> str:
    """HTML as a header value: ASCII (character references) on one line."""
    text = " ".join(_CONTROL.sub(" ", str(html)).split())
    return text.encode("ascii", "xmlcharrefreplace").decode("ascii")


def send_page(entry: Entry) -> Response:
    """A cached catalogue page for this visitor."""
    g.edge_filled = True
    if request.headers.get("X-Edge") == "ssi":  # nginx fills the parts in
        response = Response(entry.html)
    elif not (current_user.is_authenticated or "_flashes" in session
              or visitor_cart.has_cart()):
        response = Response(entry.anonymous)
        response.set_etag(entry.etag)
        response.last_modified = entry.built_at
        response.headers["Cache-Control"] = caching.shared(
            current_app.config["PAGE_SHARED_MAX_AGE"], entry.fresh_until)
        response.headers["Surrogate-Key"] = " ".join(entry.tags)
        response.vary.add("Cookie")
        return response.make_conditional(request)
    else:
        response = Response(ssi.expand(entry.html, visitor_values()))
    response.headers["Cache-Control"] = "private, no-store"
    return response


def fill_in(response: Response) -> Response:
    """Every other HTML page that extends base.html: the visitor's parts, filled in here."""
    if (g.get("edge_filled") or response.mimetype != "text/html"
            or response.direct_passthrough or request.headers.get("X-Edge") == "ssi"):
        return response
    html = response.get_data(as_text=True)
    if "<!--#" in html:
        response.set_data(ssi.expand(html, visitor_values()))
    return response
