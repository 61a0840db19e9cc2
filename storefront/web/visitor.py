"""A visitor's own parts of a page (name, cart count, CSRF token, messages), and the cookies
that carry them to the browser and to nginx.

There is one way to render them: the templates' ``_edge.html``. A page the app renders for a
visitor shows ``parts()``; a shared page (a catalogue page's file, a search page) is one file
for everybody with the parts inert in it, filled in from the **display cookies** below, which
the app keeps in step with the session on every response it sends (``keep_in_step``): by
the browser's own script when it runs one (static/js/visitor.js, which also sets ``sf_js``
so that nginx sends it the file itself), else by nginx's SSI (deploy/nginx.conf,
@personal). Either way a signed-in visitor's page view runs no Python.

The display cookies are never authority. The session cookie is (signed, HttpOnly; every
request the app serves checks it against the account's session version), so a display
cookie that is stale (signed out everywhere from another device) or forged only changes
what that browser shows itself; any action goes to the app and fails without a valid
session. All are SameSite=Lax; the four the script reads (``SCRIPT_READS``) are not
HttpOnly, and both the script (as text) and nginx (HTML-escaped) treat them as text.

- ``sf_name``: the display name, percent-encoded UTF-8 (nginx decodes it with set-misc's
  ``set_unescape_uri``, then echoes it HTML-escaped);
- ``sf_count``: the header's cart count, digits; set whenever the app learns the count (a
  cart write, any page it renders), so a change made on another device shows at the latest
  on the next page the app serves this browser;
- ``sf_csrf``: the session's Flask-WTF token (signed, bound to the session's own secret:
  Flask-WTF's check compares it with the session cookie's copy, so a token from another
  session fails);
- ``sf_flash``: messages for a page nginx sends from its file (a redirect to a catalogue
  page), ``<kind>.<percent-encoded text>``; the script or nginx shows it and deletes it,
  the app does the same on its own pages (shown once);
- ``sf_seen``: "<user id>:<session version>" signed, which nginx writes to its log of
  product views for the worker to put into the history (services/pages/views_log.py);
- ``sf_signed_in`` (``SIGNED_IN_COOKIE``): the routing hint, as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

from flask import Flask, Response, current_app, g, get_flashed_messages, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf, validate_csrf
from wtforms import ValidationError

from storefront.services.cart import shopper
from storefront.services.pages import views_log
from storefront.web import caching, visitor_cart

NAME, COUNT, CSRF, FLASH, SEEN = "sf_name", "sf_count", "sf_csrf", "sf_flash", "sf_seen"
# what static/js/visitor.js reads (and, for the message, deletes once shown); ``sf_seen`` and
# the routing hint stay HttpOnly. The CSRF token is then as readable to a script on the page
# as the token in any form is (it is bound to the HttpOnly session: useless elsewhere).
SCRIPT_READS = (NAME, COUNT, CSRF, FLASH)
KINDS = ("success", "info", "error", "warning")
FLASH_MAX_CHARS = 1000  # of text in the cookie: well below a browser's 4 KB per cookie


@dataclass
class Parts:
    name: str = ""
    count: int = 0
    csrf: str = ""

    def __getitem__(self, part: str) -> str | int:  # for the templates: visitor()["name"]
        return getattr(self, part)

    @property
    def flashes(self) -> list[tuple[str, str]]:
        """The messages to show on this page: read here, so shown (each once)."""
        if "visitor_flashes" not in g:
            g.visitor_flashes = _flashes()
        return g.visitor_flashes


def init_app(app: Flask) -> None:
    app.add_template_global(parts, "visitor")
    app.add_template_global(shared_page)
    app.after_request(keep_in_step)


def shared_page() -> bool:
    """Whether the page being rendered is the shared one (services/pages/render.py)."""
    return bool(g.get("shared_page"))


def parts() -> Parts:
    """This visitor's parts, read once per request."""
    if "visitor_parts" not in g:
        own = Parts()
        if current_user.is_authenticated:
            own.name, own.csrf = current_user.username, generate_csrf()
            own.count = _count(lambda: shopper.cart_count(current_user.id))
        elif visitor_cart.has_cart_after():
            own.count = _count(visitor_cart.count_after)
        g.visitor_parts = own
    return g.visitor_parts


def _count(read: object) -> int:
    known = g.get("cart_count")  # a page that counted the lines already (the cart page)
    return int(known if known is not None else (read() or 0))


def _flashes() -> list[tuple[str, str]]:
    kept = flash_from_cookie(request.cookies.get(FLASH, ""))
    if kept:
        g.flash_shown = True
    fresh = [
        (kind if kind in KINDS else "info", str(message))
        for kind, message in get_flashed_messages(with_categories=True)
    ]
    return kept + fresh


def flash_from_cookie(value: str) -> list[tuple[str, str]]:
    kind, _, text = value.partition(".")
    if kind not in KINDS or not text:
        return []
    return [(kind, unquote(text))]


def flash_cookie(messages: list[tuple[str, str]]) -> str:
    """Messages as one cookie value: the last one's kind, every text (nginx shows one box)."""
    text = " ".join(str(m) for _, m in messages)[:FLASH_MAX_CHARS]
    kind = messages[-1][0] if messages[-1][0] in KINDS else "info"
    return f"{kind}.{quote(text, safe='')}"


def keep_in_step(response: Response) -> Response:
    """The display cookies as this request leaves the visitor (set only when they change)."""
    if request.endpoint in ("static", "media") or response.direct_passthrough:
        return response
    cookies = (_wanted(response) if request.headers.get("X-Edge") != "ssi"
               else _wanted_at_edge())
    for name, value in cookies.items():
        if value is None:
            if name in request.cookies:
                response.delete_cookie(name, httponly=name not in SCRIPT_READS,
                                       samesite="Lax")
        elif request.cookies.get(name) != value:
            _set(response, name, value)
    return response


def _wanted(response: Response) -> dict[str, str | None]:
    """Each display cookie's value for this visitor now (None: not there)."""
    signed_in = current_user.is_authenticated
    wanted: dict[str, str | None] = {
        current_app.config["SIGNED_IN_COOKIE"]: "1" if signed_in else None,
        NAME: quote(current_user.username, safe="") if signed_in else None,
        CSRF: _csrf_cookie() if signed_in else None,
        SEEN: views_log.seen_token(current_user.get_id()) if signed_in else None,
        COUNT: str(parts().count) if signed_in or visitor_cart.has_cart_after() else None,
    }
    wanted.update(_flash_wanted(response))
    return wanted


def _wanted_at_edge() -> dict[str, str | None]:
    """A shared page nginx fills in: nothing to count; the routing hint still follows the
    session (a revoked session drops the visitor back to the files at once)."""
    if current_user.is_authenticated:
        return {}
    return {current_app.config["SIGNED_IN_COOKIE"]: None, NAME: None, CSRF: None, SEEN: None}


def _csrf_cookie() -> str:
    """The cookie's token while it is this session's; a new one when it is not."""
    token = request.cookies.get(CSRF)
    if token:
        try:
            validate_csrf(token)
            return token
        except ValidationError:
            pass
    # Flask-WTF keeps one token per request: it may be of a session cleared since (sign-in)
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
    return generate_csrf()


def _flash_wanted(response: Response) -> dict[str, str | None]:
    """Messages for a page nginx sends from its file (a redirect to a catalogue page) leave
    the session for the flash cookie: the newest ``MAX_FLASHES`` of this request's, in place
    of any older message still unread (so a visitor who never reads the answers grows no
    cookie). Any other page is the app's, which shows them from the session itself."""
    if "_flashes" in session and _to_shared_page(response):
        unshown = session.pop("_flashes")
        return {FLASH: flash_cookie(list(unshown)[-caching.MAX_FLASHES:])}
    return {FLASH: None} if g.get("flash_shown") else {}


SHARED_PAGES = ("/index", "/goods/", "/list/")  # deploy/nginx.conf's page locations


def _to_shared_page(response: Response) -> bool:
    if not response.location:
        return False
    path = urlsplit(response.location).path
    return path == "/" or path.startswith(SHARED_PAGES)


def _set(response: Response, name: str, value: str) -> None:
    config = current_app.config
    # an anonymous cart's count lives as long as its cart cookie; the rest with the session
    max_age = (
        config["ANONYMOUS_CART_DAYS"] * 86400
        if name == COUNT and not current_user.is_authenticated
        else None
    )
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=name not in SCRIPT_READS,
        samesite="Lax",
        secure=current_app.session_interface.get_cookie_secure(current_app),
    )


def has_messages() -> bool:
    """Messages waiting in the session (flashed by this request, not shown yet)."""
    return "_flashes" in session
