"""Sign-in and sign-up throttling in Redis: failed sign-ins per account and per address,
sign-ups per address, forgotten-password mails per email and per address. Accounts and
emails are counted under their canonical form, so no spelling of a name gets fresh attempts.

Built on ``limits`` (the library under Flask-Limiter) with one limiter per app: Flask-Limiter
keeps its key prefix on a module-level object, which app factories cannot share. When Redis
is down the check fails open: better a slower brute force than nobody able to sign in.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from storefront import redis_keys
from storefront.config import redis_timeouts
from storefront.identity import canonical

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    url, sentinels = app.config["REDIS_URL"], app.config["REDIS_SENTINELS"]
    timeouts = redis_timeouts(app.config)
    if sentinels:  # limits' spelling: redis+sentinel://h:p,h:p/<master name>
        store = storage_from_string(
            f"redis+sentinel://{sentinels.replace(' ', '')}/{app.config['REDIS_MASTER_NAME']}",
            use_replicas=False, sentinel_kwargs=timeouts, **timeouts)
    else:
        store = storage_from_string(url, **timeouts) if url else storage_from_string("memory://")
    app.extensions["login_throttle"] = FixedWindowRateLimiter(store)


def _limits(username: str, address: str | None) -> list[tuple[object, str]]:
    cfg = current_app.config
    return [
        (parse(cfg["LOGIN_LIMIT_PER_ACCOUNT"]), redis_keys.login_by_account(canonical(username))),
        (parse(cfg["LOGIN_LIMIT_PER_ADDRESS"]), redis_keys.login_by_address(address)),
    ]


def blocked(username: str, address: str | None) -> bool:
    """True when this account or this address has used up its failed attempts."""
    limiter = current_app.extensions["login_throttle"]
    try:
        return any(not limiter.test(limit, key) for limit, key in _limits(username, address))
    except Exception:
        log.warning("login throttle unavailable: not enforced", exc_info=True)
        return False


def failed(username: str, address: str | None) -> None:
    limiter = current_app.extensions["login_throttle"]
    try:
        for limit, key in _limits(username, address):
            limiter.hit(limit, key)
    except Exception:
        log.warning("login throttle unavailable: failure not counted", exc_info=True)


def signup_allowed(address: str | None) -> bool:
    """Count a sign-up from this address; False once the address has used up its limit."""
    return _counted("SIGNUP_LIMIT_PER_ADDRESS", redis_keys.signup_by_address(address), "sign-up")


def reset_allowed(canonical_email: str, address: str | None) -> bool:
    """Count a forgotten-password request against this email and this address; False once
    either has used up its limit. The email counts whether it has an account or not."""
    allowed = [_counted("PASSWORD_RESET_LIMIT_PER_EMAIL",
                        redis_keys.reset_by_email(canonical_email), "password-reset"),
               _counted("PASSWORD_RESET_LIMIT_PER_ADDRESS",
                        redis_keys.reset_by_address(address), "password-reset")]
    return all(allowed)


def new_cart_allowed(address: str | None) -> bool:
    """Count a new anonymous cart from this address; False once it has used up its limit.
    Fails open like the others: with Redis down no cart can be written anyway."""
    return _counted("NEW_CARTS_PER_ADDRESS", redis_keys.new_cart_by_address(address), "new-cart")


def _counted(setting: str, key: str, what: str) -> bool:
    """One hit against the limit named by ``setting``; fails open when Redis does not answer."""
    try:
        return current_app.extensions["login_throttle"].hit(
            parse(current_app.config[setting]), key)
    except Exception:
        log.warning("%s throttle unavailable: not enforced", what, exc_info=True)
        return True
