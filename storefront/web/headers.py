"""The shop's security headers, the one policy for every response.

The app adds them to what it sends (``web.app``); nginx sends the page files without asking
the app, so deploy/nginx.conf (and bench/nginx_floor.conf, the bench's floor) repeat them in
``add_header`` lines, which cannot import Python: tests/web/test_headers.py holds every such line
to what this module says.
"""

from __future__ import annotations

from flask import Blueprint
from werkzeug.wrappers import Response

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}


def content_security_policy(nonce: str | None = None) -> str:
    """The shop's own pages allow no inline script or style at all; a page that asked for a
    nonce (the admin's) may run its nonced scripts and keep its inline style attributes."""
    script, style = "'self'", "'self'"
    if nonce is not None:
        script, style = f"'self' 'nonce-{nonce}'", "'self' 'unsafe-inline'"
    return (f"default-src 'self'; img-src 'self' data:; style-src {style}; "
            f"script-src {script}; object-src 'none'; frame-ancestors 'none'; "
            "base-uri 'self'; form-action 'self'")


def page_headers() -> dict[str, str]:
    """What every catalogue page carries, whoever sends it (the app or nginx)."""
    return {"Content-Security-Policy": content_security_policy(), **SECURITY_HEADERS}


def keep_private(bp: Blueprint) -> None:
    """Orders, addresses and checkout show a shopper's name, address and phone: never kept
    by a shared cache, nor by the browser's back-forward cache on a shared computer."""

    @bp.after_request
    def _private(response: Response) -> Response:
        response.headers["Cache-Control"] = "private, no-store"
        return response
