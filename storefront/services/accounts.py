"""Sign-up and sign-in rules."""

from __future__ import annotations

from sqlalchemy import func, or_, select

from storefront.extensions import db
from storefront.models import User
from storefront.security import check_password, hash_password


class AccountTaken(Exception):
    """Username or email already belongs to someone."""


def create_user(username: str, email: str, password: str, *, is_staff: bool = False) -> User:
    email = email.strip().lower()
    clash = db.session.scalar(
        select(User.id).where(or_(func.lower(User.username) == username.lower(),
                                  User.email == email))
    )
    if clash is not None:
        raise AccountTaken(username)
    user = User(username=username, email=email, password_hash=hash_password(password),
                is_staff=is_staff, is_active=True)
    db.session.add(user)
    db.session.commit()
    return user


def authenticate(username: str, password: str) -> User | None:
    """The active user with these credentials; an outdated hash is upgraded on the way."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None or not user.is_active:
        # Spend the same time as a real check, so timing does not reveal which names exist.
        check_password(_DUMMY_HASH, password)
        return None
    ok, needs_rehash = check_password(user.password_hash, password)
    if not ok:
        return None
    if needs_rehash:
        user.password_hash = hash_password(password)
        db.session.commit()
    return user


_DUMMY_HASH = hash_password("not a real password")
