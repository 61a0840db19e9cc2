"""The edge: a shared page, and each visitor's own parts in it.

Catalogue pages and search results are rendered once for everybody (``services.pages``):
``Entry.html``, the page as nobody in particular sees it, with a visitor's name, cart count,
CSRF token and messages inert in it (templates/_edge.html).
- Behind nginx, a browser with JavaScript gets the page's file whoever it is, and fills in
  its own parts from the display cookies (static/js/visitor.js); a browser without it, with
  parts of its own, gets the same file filled in by nginx's SSI from the same cookies
  (web/visitor.py, deploy/nginx.conf); when nginx asks the app for the page itself it says so
  (``X-Edge: ssi``) and gets ``Entry.html`` to fill in.
- A visitor with nothing of their own gets ``Entry.html`` as it is (nginx: the file).
- Anyone else (no nginx in front: ``make run``, the test client) gets the page rendered for
  them, by the same templates (``personal``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Response, abort, current_app, request
from flask_login import current_user

from storefront.services.pages.cache import Entry
from storefront.web import caching, visitor, visitor_cart

T = TypeVar("T")


def send_page(shared: Callable[[], Entry | None],
              personal: Callable[[], str | None]) -> Response:
    """A page for this visitor: ``shared`` gives the page rendered for everybody,
    ``personal`` renders it for this visitor (either None: there is no such page, a 404).
    Only the one this visitor gets is read."""
    if request.headers.get("X-Edge") == "ssi":  # nginx fills the parts in
        response = Response(_found(shared()).html)
    elif not (current_user.is_authenticated or visitor_cart.has_cart()
              or visitor.FLASH in request.cookies or visitor.has_messages()):
        entry = _found(shared())
        response = Response(entry.html)
        response.set_etag(entry.etag)
        response.last_modified = entry.built_at
        response.headers["Cache-Control"] = caching.shared(
            current_app.config["PAGE_SHARED_MAX_AGE"], entry.fresh_until)
        response.headers["Surrogate-Key"] = " ".join(entry.tags)
        response.vary.add("Cookie")
        return response.make_conditional(request)
    else:
        response = Response(_found(personal()))
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _found(page: T | None) -> T:
    if page is None:
        abort(404)
    return page
