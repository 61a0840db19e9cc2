"""Storefront: the goods module of an online grocery shop."""

from __future__ import annotations

import os
from collections.abc import Mapping

from flask import Flask

from storefront import logs
from storefront.config import load_config
from storefront.services.accounts import passwords as security
from storefront.web import proxies


def create_app(config: Mapping | None = None) -> Flask:
    """Build an app; keys in ``config`` override every other source of settings."""
    app = Flask(__name__, instance_relative_config=True)
    load_config(app, config)
    if not app.testing:  # pytest keeps its own log capture
        logs.configure(app.config["LOG_LEVEL"])
    os.makedirs(app.instance_path, exist_ok=True)

    _init_extensions(app)
    _init_login(app)

    from storefront.celery_app import celery_init_app

    celery_init_app(app)

    from storefront.services.pages import purge

    purge.init_app(app)  # who hears of stale pages: chosen once, here
    _init_web(app)
    return app


def _init_extensions(app: Flask) -> None:
    # imported for their side effects: the tables for db and migrate, the commit listeners
    from storefront import database, models, tasks  # noqa: F401
    from storefront.extensions import cache, csrf, db, mail, migrate, redis_store
    from storefront.services.accounts import throttle  # noqa: F401  (listeners on import)
    from storefront.services.accounts import users as accounts  # noqa: F401  (listeners on import)
    from storefront.services.pages import freshness  # noqa: F401  (listeners on import)

    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db)
    cache.init_app(app)
    csrf.init_app(app)
    redis_store.init_app(app)
    mail.init_app(app)
    throttle.init_app(app)
    security.init_app(app)
    networks = proxies.parse_networks(app.config["TRUSTED_PROXIES"])
    if networks:
        app.wsgi_app = proxies.TrustedProxies(app.wsgi_app, networks)


def _init_web(app: Flask) -> None:
    """The blueprints, the web layer's hooks, the admin and the CLI."""
    from storefront import admin, cli
    from storefront.blueprints.cart.views import bp as cart_bp
    from storefront.blueprints.checkout.addresses import bp as addresses_bp
    from storefront.blueprints.checkout.views import bp as checkout_bp
    from storefront.blueprints.goods.views import bp as goods_bp
    from storefront.blueprints.info.views import bp as info_bp
    from storefront.blueprints.offers.views import bp as offers_bp
    from storefront.blueprints.orders.views import bp as orders_bp
    from storefront.blueprints.search.views import bp as search_bp
    from storefront.blueprints.users.views import bp as users_bp
    from storefront.web import app as web
    from storefront.web import hosts, visitor, visitor_cart

    app.register_blueprint(goods_bp)
    app.register_blueprint(info_bp)
    app.register_blueprint(offers_bp)
    app.register_blueprint(search_bp)
    app.register_blueprint(users_bp, url_prefix="/users")
    app.register_blueprint(cart_bp, url_prefix="/cart")
    app.register_blueprint(checkout_bp)
    app.register_blueprint(addresses_bp, url_prefix="/users/addresses")
    app.register_blueprint(orders_bp)
    web.init_app(app)
    visitor.init_app(app)
    hosts.init_app(app)
    visitor_cart.init_app(app)
    logs.init_request_log(app)
    admin.init_admin(app)
    cli.init_app(app)


def _init_login(app: Flask) -> None:
    from flask import session

    from storefront.extensions import login_manager
    from storefront.services.accounts import users as accounts

    login_manager.init_app(app)
    login_manager.login_view = "users.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(session_id: str) -> accounts.SessionUser | None:
        user = accounts.load_session_user(session_id)
        if user is None:
            # a revoked or unknown cookie: drop it, so the signed-in marker cookie goes too
            for key in ("_user_id", "_fresh", "_id"):
                session.pop(key, None)
        return user
