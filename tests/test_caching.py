"""One caching rule (issue 21, classes 4 and 6): what sets a cookie or carries the visitor's
own parts is ``private, no-store``; everything else says what it may be cached for; no
cookie is sent twice; and the session keeps only the newest few messages."""

from __future__ import annotations

import pytest

from storefront.web import caching
from tests.conftest import csrf_token

PRIVATE = "private, no-store"
SAME_SITE = {"Sec-Fetch-Site": "same-origin"}


def cookie_names(reply) -> list[str]:
    return [c.partition("=")[0] for c in reply.headers.getlist("Set-Cookie")]


def test_a_stale_signed_in_marker_never_gets_a_public_page_with_a_cookie(client, shop):
    client.set_cookie("sf_signed_in", "1")  # signed out elsewhere: the marker is stale
    for path in ("/search?q=apples", "/", f"/goods/{shop.apples}", f"/list/{shop.fruit}"):
        reply = client.get(path)
        assert "sf_signed_in" in cookie_names(reply), path  # the app drops it...
        assert reply.headers["Cache-Control"] == PRIVATE, path  # ... so nobody may keep it
        client.set_cookie("sf_signed_in", "1")


@pytest.mark.parametrize("path", ["/about", "/delivery", "/freshness", "/users/profile",
                                  "/users/password", "/cart", "/search?q=apples", "/",
                                  "/nothing-here"])
def test_a_signed_in_visitor_s_pages_are_private(signed_in, shop, path):
    reply = signed_in.get(path)
    assert reply.headers["Cache-Control"] == PRIVATE, (path, reply.status_code)


@pytest.mark.parametrize("path", ["/users/login", "/users/register"])
def test_forms_with_a_csrf_token_are_private(client, path):
    reply = client.get(path)
    assert "session" in cookie_names(reply)
    assert reply.headers["Cache-Control"] == PRIVATE


def test_anonymous_answers_say_how_they_may_be_cached(client, shop):
    assert client.get("/").headers["Cache-Control"].startswith("public")
    for path in ("/about", "/nothing-here", "/livez", "/search/suggest?q=ap", "/admin"):
        reply = client.get(path)
        assert not reply.headers.getlist("Set-Cookie"), path
        assert reply.headers.get("Cache-Control") in ("no-cache", "no-store") or \
            reply.headers["Cache-Control"].startswith("public"), path


def test_no_cookie_is_sent_twice(client, user, shop):
    client.post("/cart/add", data={"sku_id": shop.apples, "count": 1}, headers=SAME_SITE)
    login = client.post("/users/login", data={"username": "alice", "password": "x" * 9,
                                              "csrf_token": csrf_token(client)})
    for reply in (login, client.get("/"), client.post("/users/logout")):
        names = cookie_names(reply)
        assert len(names) == len(set(names)), names


def test_the_session_keeps_the_newest_messages_only(signed_in, shop):
    token = csrf_token(signed_in, "/cart")
    signed_in.post("/cart/add", data={"sku_id": shop.apples, "count": 1, "csrf_token": token})
    for count in range(1, 21):  # twenty answers nobody reads
        signed_in.post("/cart/update", data={"sku_id": shop.apples, "count": count % 9 + 1,
                                             "csrf_token": token})
    with signed_in.session_transaction() as session:
        kept = [message for _, message in session["_flashes"]]
    assert len(kept) == caching.MAX_FLASHES
    assert kept[-1] == "Your cart now has 3 × Fuji apples 500g."  # 20 % 9 + 1
