"""A forgotten password: a one-time link by mail that lets its owner set a new one.

The link carries a token signed by itsdangerous (the app's SECRET_KEY, a salt of its own)
holding the user id and a fingerprint of the current password hash, with its time:
- it expires after ``PASSWORD_RESET_SECONDS``;
- it works once: setting a password changes the hash, so the fingerprint no longer matches,
  and the change itself is conditional on the old hash (two tabs posting the same link set
  one password, not two);
- the new password ends every session of the account (``session_version``), like a change.

Nobody learns from the request whether an address has an account: the request only counts
the throttle and queues the mail task with the address typed, whatever it is; the worker
looks the address up and sends a mail only to an active account's owner. The answer is the
same page after the same work for both (in production the lookup happens in the worker).
"""

from __future__ import annotations

import hashlib
import logging

from flask import current_app, render_template, url_for
from flask_mailman import EmailMessage
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import select, update

from storefront.extensions import db
from storefront.identity import canonical
from storefront.models import User
from storefront.services.accounts import throttle
from storefront.services.accounts.passwords import hash_password
from storefront.services.accounts.users import CHANGED_USERS

log = logging.getLogger(__name__)

SALT = "storefront.password-reset"
SUBJECT = "Set a new password for Storefront"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _fingerprint(password_hash: str) -> str:
    """Enough of the hash's digest to notice any change; the hash itself stays out of the
    link (a signed token is readable by whoever holds it)."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:32]


def make_token(user: User) -> str:
    return _serializer().dumps([user.id, _fingerprint(user.password_hash)])


def user_for_token(token: str) -> User | None:
    """The active user the link is for, or None: forged, expired, already used."""
    try:
        user_id, fingerprint = _serializer().loads(
            token, max_age=int(current_app.config["PASSWORD_RESET_SECONDS"])
        )
    except (BadData, ValueError, TypeError):
        return None
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.is_active or _fingerprint(user.password_hash) != fingerprint:
        return None
    return user


def request_link(email: str, address: str | None) -> bool:
    """Count the request and queue the mail; False when this address or this email asked too
    often (counted alike whether the email has an account or not)."""
    from storefront import tasks  # tasks import services: never the other way at import

    if not throttle.reset_allowed(canonical(email), address):
        return False
    try:
        tasks.send_password_reset.delay(email)
    except Exception:  # the broker is down: the person may ask again
        log.error("mail: a password-reset mail was not queued", exc_info=True)
    return True


def send_link(email: str) -> bool:
    """The worker's part: mail a link to the active account of this email, if there is one."""
    user = db.session.scalar(select(User).where(User.email_canonical == canonical(email)))
    if user is None or not user.is_active:
        return False
    with current_app.test_request_context(base_url=current_app.config["SHOP_URL"]):
        link = url_for("users.reset_password", token=make_token(user), _external=True)
    body = render_template(
        "users/reset_mail.txt",
        user=user,
        link=link,
        lifetime=lifetime(int(current_app.config["PASSWORD_RESET_SECONDS"])),
    )
    EmailMessage(subject=SUBJECT, body=body, to=[user.email]).send()
    return True


def lifetime(seconds: int) -> str:
    """How long a link works, as the mail and the form say it: "1 hour", "30 minutes"."""
    count, unit = (seconds // 3600, "hour") if seconds % 3600 == 0 else (seconds // 60, "minute")
    return f"{count} {unit}{'' if count == 1 else 's'}"


def set_password(user: User, new_password: str) -> bool:
    """The new password, and every session of the account ends; False when the password
    changed since ``user`` was read (the link was used meanwhile)."""
    old_hash, user_id = user.password_hash, user.id
    new_hash = hash_password(new_password)
    changed = db.session.execute(
        update(User)
        .where(User.id == user_id, User.password_hash == old_hash)
        .values(password_hash=new_hash, session_version=User.session_version + 1)
        .execution_options(synchronize_session="fetch")
    ).rowcount
    if changed:
        # a bulk UPDATE skips the flush listener that forgets the cached row: say it here
        db.session.info.setdefault(CHANGED_USERS, set()).add(user_id)
    db.session.commit()
    return bool(changed)
