"""App-wide web pieces: template helpers, the header's cart count, error pages, media, probes."""

from __future__ import annotations

import hashlib
import logging
import secrets
from decimal import Decimal
from pathlib import Path

import redis
from flask import (
    Flask,
    Request,
    Response,
    current_app,
    g,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import BadRequest, HTTPException, ServiceUnavailable

from storefront.extensions import db, redis_store
from storefront.services import images, validate
from storefront.services.pages import render as pages
from storefront.web import caching, headers

log = logging.getLogger(__name__)


def media_url(path: str | None) -> str:
    """The URL of an uploaded or generated image, or the placeholder when there is none."""
    if not path:
        return url_for("static", filename="img/placeholder.svg")
    return url_for("media", filename=path)


def format_price(value: Decimal | float | int | None) -> str:
    return f"{Decimal(value or 0):.2f}"


def asset_version(app: Flask) -> str:
    """A short hash of the static files, so their URLs change whenever they do."""
    digest = hashlib.sha256()
    for path in sorted(Path(app.static_folder).rglob("*")):
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def csp_nonce() -> str:
    """A per-response nonce for the inline scripts of pages we do not write (Flask-Admin)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, marked Secure whenever the request came over HTTPS
    (nginx says so in X-Forwarded-Proto; ProxyFix believes it), not only by config."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        """The last step of every response: the cookie is written, so the caching rule
        can see everything it sets (``web.caching``)."""
        caching.bound_flashes(session)
        super().save_session(app, session, response)
        caching.apply(response)


class FormJsonRequest(Request):
    """A JSON body is read as the form it stands for, or refused with a 400.

    Flask-WTF builds every form (the cart's, sign-up's, sign-in's, the admin's) from
    ``request.get_json()`` when the body is JSON, and WTForms expects form values: text. So
    the one place that reads JSON checks it once for all of them (``validate.form_fields``).
    """

    def get_json(self, force: bool = False, silent: bool = False,
                 cache: bool = True) -> dict[str, str] | None:
        if not (force or self.is_json):
            return super().get_json(force=force, silent=silent, cache=cache)
        try:
            return validate.form_fields(validate.json_object(self.get_data(cache=cache)))
        except validate.Invalid as exc:
            if silent:
                return None
            raise BadRequest(str(exc)) from exc


def init_app(app: Flask) -> None:
    app.request_class = FormJsonRequest
    app.session_interface = SessionInterface()
    _template_helpers(app)
    app.after_request(security_headers)
    app.add_url_rule("/media/<path:filename>", "media", media)
    app.add_url_rule("/livez", "livez", livez)
    app.add_url_rule("/readyz", "readyz", readyz)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(500, server_error)
    app.register_error_handler(OperationalError, database_unavailable)


def _template_helpers(app: Flask) -> None:
    app.add_template_global(media_url)
    app.add_template_global(images.image_set)
    app.add_template_global(pages.list_url)
    app.add_template_filter(format_price, "price")
    version = asset_version(app)

    @app.url_defaults
    def versioned_static(endpoint: str, values: dict) -> None:
        # nginx caches /static/ for 30 days: a new deploy must change the URLs
        if endpoint == "static":
            values.setdefault("v", version)


def security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy",
                                headers.content_security_policy(g.get("csp_nonce")))
    for name, value in headers.SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def media(filename: str) -> Response:
    return send_from_directory(current_app.config["MEDIA_ROOT"], filename, max_age=86400)


def livez() -> tuple[dict, int]:
    return {"status": "ok"}, 200


def readyz() -> tuple[dict, int]:
    failing = [name for name, check in (("database", _db_ok), ("redis", _redis_ok))
               if not check()]
    if failing:
        return {"status": "unavailable", "failing": failing}, 503
    return {"status": "ok"}, 200


def http_error(exc: HTTPException) -> tuple[str, int, list]:
    template = "errors/404.html" if exc.code == 404 else "errors/error.html"
    kept = [h for h in exc.get_headers() if h[0].lower() != "content-type"]  # Allow...
    return render_template(template, error=exc), exc.code or 500, kept


def server_error(exc: Exception) -> tuple[str, int]:
    return render_template("errors/500.html"), 500


def database_unavailable(exc: OperationalError) -> tuple[str, int]:
    log.error("database unavailable", exc_info=exc)
    db.session.rollback()
    return render_template("errors/error.html", error=ServiceUnavailable(
        "Our shelves are out of reach for a moment. Please try again shortly.")), 503


def _db_ok() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except Exception:
        log.warning("readiness: database unavailable", exc_info=True)
        db.session.rollback()
        return False


def _redis_ok() -> bool:
    try:
        return bool(redis_store.client.ping())
    except redis.RedisError:
        log.warning("readiness: redis unavailable", exc_info=True)
        return False
