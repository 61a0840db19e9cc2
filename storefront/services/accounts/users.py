"""Accounts: sign-up, sign-in, password changes, and who is signed in on each request.

Identity: names and emails are compared in their canonical form (storefront/identity.py),
stored in columns of their own with a unique index; the database's collation never decides.

Sessions: the session cookie holds "<user id>:<session version>". Raising the user's
``session_version`` (sign-out, password change, staff's "sign out everywhere") makes every
cookie issued before it useless, on every device.

The signed-in user's row is cached in Redis under ``redis_keys.cached_user(id)`` as plain JSON, so a
page costs no SQL for it. The pieces are separate so a caller can fetch the raw value in a
pipeline of its own: ``redis_keys.cached_user``, ``user_from_cache`` (pure), ``store_cached_user``,
and ``load_session_user`` that puts them together. Any change to a user row, by whoever
makes it, clears that entry after the commit (the listeners at the bottom).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable

import redis
from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import event, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storefront import redis_keys
from storefront.extensions import db, redis_store
from storefront.identity import canonical
from storefront.models import User
from storefront.services import visitor_rules
from storefront.services.accounts.passwords import (
    check_no_password,
    check_password,
    hash_password,
)

log = logging.getLogger(__name__)


class AccountTaken(Exception):
    """Username or email already belongs to someone."""


def create_user(username: str, email: str, password: str, *, is_staff: bool = False) -> User:
    """A new active account; AccountTaken when its name or email is anyone's identity, also
    when a concurrent sign-up of the same identity commits first (the unique index says so)."""
    clash = db.session.scalar(select(User.id).where(or_(
        User.username_canonical == canonical(username),
        User.email_canonical == canonical(email))))
    if clash is not None:
        raise AccountTaken(username)
    user = User(username=username, email=email, password_hash=hash_password(password),
                is_staff=is_staff, is_active=True)
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise AccountTaken(username) from None
    return user


def authenticate(username: str, password: str) -> User | None:
    """The active user with these credentials, ``username`` being the username or the email
    (no username has an "@"); an outdated hash is upgraded on the way."""
    column = User.email_canonical if "@" in username else User.username_canonical
    user = db.session.scalar(select(User).where(column == canonical(username)))
    if user is None or not user.is_active:
        # Spend the same time as a real check, so timing does not reveal which names exist.
        check_no_password(password)
        return None
    ok, needs_rehash = check_password(user.password_hash, password)
    if not ok:
        return None
    if needs_rehash:
        user.password_hash = hash_password(password)
        db.session.commit()
    return user


def change_password(user_id: int, new_password: str, *,
                    current_password: str | None = None) -> bool:
    """A new password, and every session of the account, this one too, ends. With
    ``current_password`` (a person changing their own), False when it is wrong."""
    user = db.session.get(User, user_id)
    if user is None:
        raise LookupError(user_id)
    if current_password is not None and not check_password(user.password_hash,
                                                            current_password)[0]:
        return False
    user.password_hash = hash_password(new_password)
    user.session_version += 1
    db.session.commit()
    return True


def end_sessions(user_ids: Iterable[int]) -> int:
    """Sign these users out everywhere (sign-out, staff's action); how many there were."""
    users = db.session.scalars(select(User).where(User.id.in_(list(user_ids)))).all()
    for user in users:
        user.session_version += 1
    db.session.commit()
    return len(users)


def account(user_id: int) -> User | None:
    """The full row, for the few pages that show more than the session user has."""
    return db.session.get(User, user_id)


class SessionUser(UserMixin):
    """The signed-in user as every request sees it: plain data, from Redis or the database,
    never an ORM object (it outlives the request's database session)."""

    def __init__(self, id: int, username: str, is_staff: bool, is_active: bool,
                 session_version: int) -> None:
        self.id, self.username, self.is_staff = id, username, is_staff
        self._active, self.session_version = is_active, session_version

    @property
    def is_active(self) -> bool:
        return self._active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def to_json(self) -> str:
        return json.dumps({"id": self.id, "username": self.username, "is_staff": self.is_staff,
                           "is_active": self._active,
                           "session_version": self.session_version})


def session_user(user: User) -> SessionUser:
    return SessionUser(user.id, user.username, bool(user.is_staff), bool(user.is_active),
                       int(user.session_version or 0))


# Written instead of a plain delete: a request that read the row before the change must not
# put the old row (old session version) back; its store is "set if absent" and fails.
TOMBSTONE = "-"
TOMBSTONE_SECONDS = 5


def user_from_cache(raw: str | bytes | None) -> SessionUser | None:
    """The cached value (or None, a tombstone, garbage) as a session user, or None: a miss."""
    if not raw or raw in (TOMBSTONE, TOMBSTONE.encode()):
        return None
    try:
        data = json.loads(raw)
        return SessionUser(int(data["id"]), str(data["username"]), bool(data["is_staff"]),
                           bool(data["is_active"]), int(data["session_version"]))
    except (ValueError, TypeError, KeyError):
        return None


def store_cached_user(user: SessionUser) -> None:
    try:
        redis_store.client.set(redis_keys.cached_user(user.id), user.to_json(), nx=True,
                               ex=int(current_app.config["USER_CACHE_SECONDS"]))
    except redis.RedisError:
        log.warning("user cache: not stored (Redis unavailable)", exc_info=True)


def cached_user(user_id: int) -> SessionUser | None:
    """The user from Redis, else from the database (then cached); Redis down: the database."""
    redis_up = True
    try:
        raw = redis_store.client.get(redis_keys.cached_user(user_id))
    except redis.RedisError:
        log.warning("user cache: unavailable, reading the database", exc_info=True)
        raw, redis_up = None, False
    user = user_from_cache(raw)
    if user is None:
        row = db.session.get(User, user_id)
        user = session_user(row) if row is not None else None
        if user is not None and redis_up:
            store_cached_user(user)
    return user


def parse_session_id(session_id: str | None) -> tuple[int, int] | None:
    """The (user id, session version) of a "<id>:<version>" session id, or None."""
    user_id, _, version = (session_id or "").partition(":")
    if not (user_id.isascii() and user_id.isdigit() and version.isascii()
            and version.isdigit()):
        return None
    return int(user_id), int(version)


def still_valid(user: SessionUser | None, version: int) -> SessionUser | None:
    """``user`` if the session of ``version`` is still theirs (not ended, account active)."""
    if user is None or not visitor_rules.session_valid(user.is_active, user.session_version,
                                                       version):
        return None
    return user


def load_session_user(session_id: str) -> SessionUser | None:
    """Flask-Login's user loader: the user of a "<id>:<version>" cookie, or None when the
    cookie is malformed, from an older session version, or of an inactive account."""
    parsed = parse_session_id(session_id)
    if parsed is None:
        return None
    return still_valid(cached_user(parsed[0]), parsed[1])


CHANGED_USERS = "storefront_changed_users"


@event.listens_for(Session, "before_flush")
def _note_changed_users(session: Session, flush_context: object, instances: object) -> None:
    changed = {obj.id for obj in (*session.dirty, *session.deleted)
               if isinstance(obj, User) and obj.id is not None}
    if changed:
        session.info.setdefault(CHANGED_USERS, set()).update(changed)


@event.listens_for(Session, "after_commit")
def _forget_changed_users(session: Session) -> None:
    changed = session.info.pop(CHANGED_USERS, None)
    if not changed or not has_app_context():
        return
    try:
        with redis_store.client.pipeline(transaction=False) as pipe:
            for user_id in changed:
                pipe.set(redis_keys.cached_user(user_id), TOMBSTONE, ex=TOMBSTONE_SECONDS)
            pipe.execute()
    except redis.RedisError:  # the entries expire within USER_CACHE_SECONDS
        log.error("user cache: could not clear users %s", sorted(changed), exc_info=True)


@event.listens_for(Session, "after_rollback")
def _forget_noted_users(session: Session) -> None:
    session.info.pop(CHANGED_USERS, None)
