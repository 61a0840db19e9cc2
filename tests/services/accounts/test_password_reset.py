"""A shopper who forgot their password gets a one-time, expiring link by mail (the real SMTP
server of the order-mail tests), sets a new password with it, and every other browser
signed in to the account is signed out. Nobody learns from the form whether an address has
an account, and it is throttled."""

from __future__ import annotations

import html
import re

import pytest
from itsdangerous.timed import TimestampSigner

from storefront.extensions import db
from storefront.models import User
from storefront.services.accounts import users as accounts
from tests.conftest import PASSWORD, count_queries, csrf_token, sign_in
from tests.helpers import text
from tests.mail_support import Inbox, body

NEW = "a fresh new secret"
LINK = re.compile(r"http://\S+/users/reset-password/\S+")


@pytest.fixture
def app_config(app_config, smtp):  # this module's mails go to the real SMTP server
    return {**app_config, "MAIL_SERVER": smtp.hostname, "MAIL_PORT": smtp.port}


def ask_for_link(client, email: str = "alice@example.com", address: str = "127.0.0.1"):
    return client.post(
        "/users/forgot-password",
        environ_base={"REMOTE_ADDR": address},
        data={"email": email, "csrf_token": csrf_token(client, "/users/forgot-password")},
    )


def mailed_link(inbox: Inbox, n: int = 1) -> str:
    sent = inbox.wait_for(n)[n - 1]
    match = LINK.search(body(sent))
    assert match, body(sent)
    return match.group(0).removeprefix("http://127.0.0.1:5000")


def set_new_password(client, link: str, password: str = NEW):
    page = client.get(link)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', text(page))
    return client.post(
        link,
        data={
            "password": password,
            "confirm": password,
            "csrf_token": token.group(1) if token else "",
        },
    )


def signed_out(client) -> bool:
    return client.get("/users/profile").status_code == 302


def test_a_forgotten_password_is_set_again_from_a_mailed_link_that_works_once(
    app, client, user, inbox
):
    elsewhere = app.test_client()  # the shopper is still signed in on another device
    assert sign_in(elsewhere).status_code == 302
    assert 'href="/users/forgot-password"' in text(client.get("/users/login"))

    response = ask_for_link(client, " Alice@Example.com")
    assert response.status_code == 302 and response.headers["Location"] == "/users/login"
    assert "we have mailed it a link" in html.unescape(text(client.get("/users/login")))
    [sent] = inbox.wait_for(1)
    assert sent["To"] == "alice@example.com" and "new password" in sent["Subject"]
    assert "within 1 hour" in body(sent) and "Hello alice" in body(sent)
    link = mailed_link(inbox)
    assert "Set a new password" in text(client.get(link))

    response = set_new_password(client, link)
    assert response.status_code == 302 and response.headers["Location"] == "/users/profile"
    assert "Welcome" in text(client.get("/users/profile"))  # this browser is signed in
    assert signed_out(elsewhere)  # every other one is not
    assert sign_in(app.test_client(), password=PASSWORD).status_code == 400
    assert sign_in(app.test_client(), password=NEW).status_code == 302

    # The link worked once: opened again, it says so and changes nothing.
    again = app.test_client()
    assert "no longer works" in text(page := again.get(link)) and page.status_code == 400
    assert set_new_password(again, link, "yet another secret").status_code == 400
    assert sign_in(app.test_client(), password=NEW).status_code == 302


def test_a_link_stops_working_after_an_hour(app, client, user, inbox, monkeypatch):
    ask_for_link(client)
    link = mailed_link(inbox)
    now = TimestampSigner.get_timestamp(TimestampSigner("k"))
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: now + 3540)
    assert client.get(link).status_code == 200  # 59 minutes on
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: now + 3601)
    assert set_new_password(client, link).status_code == 400
    assert sign_in(app.test_client(), password=PASSWORD).status_code == 302


def mangled_signature(link: str) -> str:
    head, _, signature = link.rpartition(".")
    return f"{head}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"


def test_a_forged_or_mangled_link_does_nothing(app, client, user, inbox):
    ask_for_link(client)
    link = mailed_link(inbox)
    for bad in (
        # a signature's first character (its last may be only base64 padding bits, which
        # decode to the same bytes whatever they are)
        mangled_signature(link),
        "/users/reset-password/x.y.z",
        link.replace("reset-password/", "reset-password/W"),
    ):
        assert set_new_password(client, bad).status_code == 400, bad
    assert sign_in(app.test_client(), password=PASSWORD).status_code == 302


def test_the_answer_never_says_whether_an_address_has_an_account(app, client, user, inbox):
    inactive = accounts.create_user("ivan", "ivan@example.com", PASSWORD)
    inactive.is_active = False
    db.session.commit()
    ask_for_link(app.test_client(), "warm@example.com")  # the pages' caches are filled
    inbox.messages.clear()
    answers = []
    for email in ("alice@example.com", "nobody@example.com", "ivan@example.com"):
        client = app.test_client()
        with count_queries() as statements:
            response = ask_for_link(client, email)
        answers.append(
            (
                response.status_code,
                response.headers["Location"],
                text(client.get("/users/login")).split('name="csrf_token"')[0],
                statements,
            )
        )
    assert answers[0] == answers[1] == answers[2]  # same page, same work, same database reads
    assert [m["To"] for m in inbox.wait_for(1)] == ["alice@example.com"]  # one mail: hers


def test_asking_too_often_is_throttled_alike_for_every_address(app, client, user, inbox):
    for email in ("alice@example.com", "nobody@example.com"):
        statuses = [ask_for_link(client, email).status_code for _ in range(4)]
        assert statuses == [302, 302, 302, 429], email
    assert "Too many links" in text(ask_for_link(client, "alice@example.com"))
    assert len(inbox.wait_for(3)) == 3  # the fourth and fifth asked for alice sent nothing
    # one client address may not try a whole list of emails either
    statuses = [
        ask_for_link(client, f"n{i}@example.com", "192.0.2.9").status_code for i in range(11)
    ]
    assert statuses == [302] * 10 + [429]


def test_a_link_for_an_account_made_inactive_does_nothing(app, client, user, inbox):
    ask_for_link(client)
    link = mailed_link(inbox)
    db.session.get(User, user.id).is_active = False
    db.session.commit()
    assert set_new_password(client, link).status_code == 400
