"""Every CLI command that takes input applies the shop's own rules (issue 21, class 10):
create-admin checks a new staff account exactly as sign-up does, and says what is wrong in
a sentence, never with a traceback or the database's text."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from storefront.extensions import db
from storefront.models import User

OK = {"--username": "boss", "--email": "boss@example.com", "--password": "long-enough-pw"}


def create_admin(runner, **changes: str):
    args = {**OK, **{f"--{k}": v for k, v in changes.items()}}
    return runner.invoke(args=["create-admin", *[x for kv in args.items() for x in kv]])


@pytest.mark.parametrize(("field", "value", "says"), [
    ("username", "b" * 100, "username"),
    ("username", "ab", "username"),
    ("username", "bad name!", "letters, digits"),
    ("username", "   ", "username"),
    ("email", "not-an-email", "email"),
    ("email", "x" * 250 + "@example.com", "email"),
    ("password", "short", "password"),
    ("password", "p" * 200, "password"),
])
def test_create_admin_refuses_what_sign_up_refuses(backend, runner, app, field, value, says):
    result = create_admin(runner, **{field: value})
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert says.lower() in result.output.lower(), result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_create_admin_keeps_the_name_as_sign_up_does(backend, runner, app):
    result = create_admin(runner, username="ｂｏｓｓ ")  # full-width and a stray space
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User.username)) == "boss"
