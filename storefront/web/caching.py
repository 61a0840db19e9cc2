"""One caching rule for every response the app sends, applied last (after the session's
cookie is written), so no view or hook can get it wrong:

- a response that sets a cookie, or that a signed-in visitor or a visitor with a cart gets
  (their name, cart count, CSRF token or messages may be in it), is ``private, no-store``;
- a file (``/static``, ``/media``) keeps what it says (it is the same for everybody);
- anything else says what it may be cached for: its own ``Cache-Control`` (the shared pages:
  ``shared``), else ``no-cache`` (store, but ask again first).

Also here, because they are about what the session cookie grows to: a cookie is sent once
(the last value of each name), and the session keeps only the newest ``MAX_FLASHES``
messages, so a visitor who posts hundreds of times without reading the answers does not grow
a cookie, and the fragment headers nginx reads, past its buffers (README, "The edge").
"""

from __future__ import annotations

import time
from http.cookies import SimpleCookie

from flask import Response, request
from flask.sessions import SessionMixin
from flask_login import current_user

PRIVATE = "private, no-store"
REVALIDATE = "no-cache"
NOT_SHARED = "private, no-cache"
MAX_FLASHES = 5


def shared(max_age: int, fresh_until: float | None, now: float | None = None) -> str:
    """A page everybody sees: a shared cache (a CDN) may keep it ``max_age`` seconds, but
    never past the moment its prices change (``fresh_until``, its next offer boundary),
    and not at all in the last second before it. Browsers ask again every time.

    nginx sends the page files with ``shared(PAGE_SHARED_MAX_AGE, None)`` for all (a file
    cannot carry a lifetime of its own): at a boundary the guard purges the CDN instead
    (services/pages/purge.py, ``boundary``)."""
    if fresh_until is not None:
        left = fresh_until - (time.time() if now is None else now)
        max_age = min(max_age, int(left) if left > 0 else 0)
    return NOT_SHARED if max_age < 1 else f"public, max-age=0, s-maxage={max_age}"


def bound_flashes(session: SessionMixin) -> None:
    """Keep the newest few messages only (Flask's ``flash`` appends without a limit)."""
    flashes = session.get("_flashes")
    if flashes and len(flashes) > MAX_FLASHES:
        session["_flashes"] = flashes[-MAX_FLASHES:]


def apply(response: Response) -> None:
    """The rule above, on the response as it will leave."""
    _one_cookie_each(response)
    if response.headers.getlist("Set-Cookie") or (
            not response.direct_passthrough and _visitor_has_own_parts()):
        response.headers["Cache-Control"] = PRIVATE
    elif "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = (
            REVALIDATE if request.method in ("GET", "HEAD") else "no-store")


def _visitor_has_own_parts() -> bool:
    from storefront.web import visitor_cart  # the web layer's own module, imported late

    try:
        return bool(current_user and current_user.is_authenticated) or visitor_cart.has_cart()
    except Exception:  # noqa: BLE001  (an unknown host, a dead store: then nothing is shared)
        return True


def _one_cookie_each(response: Response) -> None:
    """Two hooks may set (or delete) the same cookie: the browser keeps the last one."""
    cookies = response.headers.getlist("Set-Cookie")
    if len(cookies) < 2:
        return
    last: dict[str, str] = {}
    for header in cookies:
        parsed = SimpleCookie()
        try:
            parsed.load(header)
            name = next(iter(parsed)) if parsed else header
        except Exception:  # noqa: BLE001  (a value SimpleCookie cannot read: keep it as is)
            name = header
        last.pop(name, None)
        last[name] = header
    if len(last) < len(cookies):
        response.headers.remove("Set-Cookie")
        for header in last.values():
            response.headers.add("Set-Cookie", header)
