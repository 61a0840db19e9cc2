"""Requests for a host the shop does not answer to (``ALLOWED_HOSTS``, Flask's TRUSTED_HOSTS).

Flask refuses them while routing (werkzeug's ``SecurityError``, a 400), before any view runs,
so an unknown ``Host`` is never echoed into a redirect or a link. The answer is plain text:
the shop's error page builds URLs, and there is no URL to build for a host we do not serve.
"""

from __future__ import annotations

from flask import Flask, Response
from werkzeug.exceptions import SecurityError


def init_app(app: Flask) -> None:
    app.register_error_handler(SecurityError, _unknown_host)


def _unknown_host(exc: SecurityError) -> Response:
    response = Response("Unknown host.\n", 400, mimetype="text/plain")
    response.headers["Cache-Control"] = "no-store"
    return response
