"""A visitor's own parts through the real nginx: the page file filled in by SSI from the
display cookies (storefront/web/visitor.py, deploy/nginx.conf), with no Python on the page.

What must hold: values are escaped whatever they hold (a hostile name, forged cookies); one
visitor never sees another's parts under concurrency; an ended session keeps no power even
while its browser still shows the name; the count follows a change made on another device
at the latest on the next page the app serves.

Run on the "services" backend only, like tests/deploy/test_nginx.py, whose fixtures these share.
"""

from __future__ import annotations

import threading

import pytest

from storefront.services.accounts import users as accounts
from tests.conftest import CSRF_RE
from tests.deploy import test_nginx
from tests.deploy.test_nginx import MARKER, cart_count, csrf_in, publish_marked, sign_in_through
from tests.helpers import shown

pytestmark = pytest.mark.parametrize("backend", ["services"], indirect=True)
site = test_nginx.site  # the same nginx in front of gunicorn

HOSTILE = "<script>\"李'😀 &amp;"


def test_a_hostile_name_is_escaped_into_the_page_file(site, shop):
    accounts.create_user(HOSTILE, "li@example.com", "a long enough password")
    publish_marked(f"goods:{shop.apples}")
    browser = site.browser()
    sign_in_through(browser, HOSTILE, "a long enough password")
    page = browser.get(f"/goods/{shop.apples}")
    assert MARKER in page.body  # the file, filled in by nginx
    assert "<strong>&lt;script&gt;&quot;李'😀 &amp;amp;</strong>" in page.text
    assert "<script>" not in page.text


def test_forged_display_cookies_show_escaped_and_give_no_power(site, shop, user):
    """A cookie is what a browser shows itself, never authority (and planted from a sibling
    domain it must still be harmless)."""
    publish_marked(f"goods:{shop.apples}")
    forged = (
        "sf_signed_in=1; sf_name=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E; "
        "sf_count=%3Cb%3E; sf_csrf=x%22onmouseover%3D1; "
        "sf_flash=error.%3Cscript%3Ealert(1)%3C%2Fscript%3E"
    )
    page = site.browser().get(f"/goods/{shop.apples}", Cookie=forged)
    assert MARKER in page.body
    assert "<img src=x" not in page.text and "&lt;img src=x onerror=alert(1)&gt;" in page.text
    assert "<script>alert" not in page.text and "&lt;script&gt;alert(1)" in page.text
    assert "onmouseover" not in page.text  # a token not of the token's form is left out
    assert cart_count(page.text) == 0  # a count that is no number is none
    # what only a session may do: the app sees none, whatever the cookies say
    profile = site.browser().get("/users/profile", Cookie=forged)
    assert profile.status == 302 and "/users/login" in profile.headers["Location"]


def test_one_visitor_never_sees_anothers_parts_under_concurrency(site, shop, user):
    accounts.create_user("zoe", "zoe@example.com", "another long password")
    for key in test_nginx.catalogue(shop):
        publish_marked(key)
    alice, zoe = site.browser(), site.browser()
    sign_in_through(alice)
    sign_in_through(zoe, "zoe", "another long password")
    token = csrf_in(alice.get("/cart").text)
    alice.post("/cart/add", {"sku_id": shop.apples, "count": 4, "csrf_token": token})
    alice.get("/cart")  # the message shown: from here on every page is the same for her
    own = {"alice": (alice, 4, alice.cookie("sf_csrf")), "zoe": (zoe, 0, zoe.cookie("sf_csrf"))}
    bad: list[str] = []

    def views(name: str) -> None:
        browser, count, csrf = own[name]
        for n in range(60):
            path = list(test_nginx.catalogue(shop).values())[n % 5]
            page = browser.get(path)
            tokens = set(CSRF_RE.findall(page.text))
            if (
                MARKER not in page.body
                or f"<strong>{name}</strong>" not in page.text
                or tokens != {csrf}
                or cart_count(page.text) != count
            ):
                bad.append(f"{name} {path}")

    threads = [threading.Thread(target=views, args=(name,)) for name in own for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(t.is_alive() for t in threads) and not bad, bad[:5]


def test_an_ended_session_shows_its_own_copy_at_most_and_can_do_nothing(site, shop, user):
    publish_marked(f"goods:{shop.apples}")
    browser = site.browser()
    sign_in_through(browser)
    page = browser.get(f"/goods/{shop.apples}")
    accounts.end_sessions([user.id])  # "sign out everywhere" (staff), or a new password
    still = browser.get(f"/goods/{shop.apples}")  # the browser's own cookies: its own name
    assert "<strong>alice</strong>" in still.text
    refused = browser.post(
        "/cart/add", {"sku_id": str(shop.apples), "count": "1", "csrf_token": csrf_in(page.text)}
    )
    assert refused.status in (302, 400, 403) and "cart" not in refused.headers.get("Location", "")
    from storefront.services.cart import shopper

    assert shopper.cart_count(user.id) == 0
    after = browser.get(f"/goods/{shop.apples}")  # that answer dropped the display cookies
    assert "Welcome" not in shown(after.text) and browser.cookie("sf_name") is None


def test_the_count_follows_another_device_on_the_next_app_page(site, shop, user):
    publish_marked(f"goods:{shop.apples}")
    phone, laptop = site.browser(), site.browser()
    sign_in_through(phone)
    sign_in_through(laptop)
    token = csrf_in(phone.get("/cart").text)
    assert (
        phone.post(
            "/cart/add", {"sku_id": str(shop.apples), "count": "2", "csrf_token": token}
        ).status
        == 302
    )
    assert cart_count(phone.get(f"/goods/{shop.apples}").text) == 2
    stale = laptop.get(f"/goods/{shop.apples}")  # the laptop's cookie: as it last knew
    assert MARKER in stale.body and cart_count(stale.text) == 0
    assert cart_count(laptop.get("/users/profile").text) == 2  # an app page: counted
    assert cart_count(laptop.get(f"/goods/{shop.apples}").text) == 2


def test_a_browser_with_script_gets_the_file_itself_and_its_parts_from_cookies(site, shop,
                                                                               user):
    """static/js/visitor.js sets ``sf_js``: from then on nginx sends a signed-in shopper the
    page file as it is (its Brotli twin, as to anybody), and the script fills in the parts
    from the display cookies, which it can read. Nothing of the visitor is in the page."""
    files = {path: publish_marked(key) for key, path in test_nginx.catalogue(shop).items()}
    alice = site.browser()
    sign_in_through(alice)
    alice.runs_script()
    assert not any(alice.http_only(n) for n in ("sf_name", "sf_count", "sf_csrf"))
    assert alice.http_only("sf_seen") and alice.http_only("sf_signed_in")
    assert alice.cookie("sf_name") == "alice" and alice.cookie("sf_count") == "0"
    for path, file in files.items():
        page = alice.get(path)
        assert page.body == file, path  # byte for byte what an anonymous visitor gets
        assert page.headers["Cache-Control"] == "public, max-age=0, s-maxage=60"
        assert "alice" not in page.text and "Set-Cookie" not in page.headers
        twin = alice.get(path, Accept_Encoding="gzip, deflate, br")
        assert twin.headers["Content-Encoding"] == "br" and "ETag" in twin.headers  # its twin

    # the cart form of the file has no token: the post's origin is what the cart checks, and
    # the message waits in its cookie for the script (nginx does not take it away)
    added = alice.request("POST", "/cart/add", {"sku_id": shop.apples, "count": 2},
                          {"Origin": alice.base, "Sec-Fetch-Site": "same-origin"})
    assert added.status == 302 and alice.cookie("sf_count") == "2"
    page = alice.get(f"/goods/{shop.apples}")
    assert page.body == files[f"/goods/{shop.apples}"] and "Set-Cookie" not in page.headers
    assert alice.cookie("sf_flash").startswith("success.Added%202%20")
    # from another site, with or without her token, nothing changes
    evil = {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
    for form in ({}, {"csrf_token": "forged"}):
        refused = alice.request("POST", "/cart/add",
                                {"sku_id": shop.apples, "count": 1, **form}, evil)
        assert refused.status in (400, 403)
    from storefront.services.cart import shopper

    assert shopper.cart_count(user.id) == 2
