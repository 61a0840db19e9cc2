"""A shopper who forgot her password, in a real browser on the real stack: the link comes
by mail from the worker (Celery on Redis, a real SMTP server), sets a new password, signs
her other browser out, and works once."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import expect
from tests.browser.test_journeys import sign_in
from tests.mail_support import body

pytestmark = pytest.mark.parametrize("backend", ["services"], indirect=True)
NEW = "a brand new secret"


def test_a_shopper_who_forgot_her_password_gets_back_in(stack, browse, shot, user, smtp):
    elsewhere = browse().new_page()  # her phone, still signed in
    elsewhere.goto("/users/login?next=/users/profile")
    sign_in(elsewhere, "alice")
    expect(elsewhere).to_have_url(f"{stack.url}/users/profile")

    page = browse().new_page()
    page.goto("/users/login")
    page.get_by_role("link", name="Forgot password?").click()
    page.get_by_label("Email", exact=True).fill("alice@example.com")
    shot(page, "forgot")
    page.get_by_role("button", name="Mail me a link").click()
    expect(page.locator(".flashes")).to_contain_text("we have mailed it a link")
    [mail] = smtp.handler.wait_for(1, timeout=30)
    assert mail["To"] == "alice@example.com"
    link = re.search(r"/users/reset-password/\S+", body(mail)).group(0)

    page.goto(link)
    page.get_by_label("New password", exact=True).fill(NEW)
    page.get_by_label("Repeat new password", exact=True).fill(NEW)
    shot(page, "new-password")
    page.get_by_role("button", name="Set new password").click()
    expect(page).to_have_url(f"{stack.url}/users/profile")
    expect(page.locator(".flashes")).to_contain_text("signed out everywhere else")

    elsewhere.reload()  # the phone's session ended with the new password
    expect(elsewhere).to_have_url(re.compile(r"/users/login\?next="))
    page.goto(link)  # the link worked once
    expect(page.get_by_role("heading", name="This link no longer works")).to_be_visible()
