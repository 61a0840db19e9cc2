"""The address book at /users/addresses: each shopper's own, one default at a time."""

from __future__ import annotations

from sqlalchemy import select

from storefront.extensions import db
from storefront.models import Address
from storefront.services.accounts import users as accounts
from storefront.services.orders import addresses
from tests.checkout_support import HOME
from tests.conftest import PASSWORD, csrf_token
from tests.helpers import text

NEW = {"recipient": "Alice at work", "phone": "020 7946 0999", "lines": "3 Office Park\nTown",
       "postcode": "tw1 1aa"}


def book(user_id: int) -> list[tuple[str, bool]]:
    db.session.rollback()
    return [(a.recipient, a.is_default) for a in db.session.scalars(
        select(Address).where(Address.user_id == user_id).order_by(Address.id))]


def post(client, path: str, **data):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, "/users/addresses")})


def test_add_edit_choose_default_and_delete(signed_in, user):
    assert post(signed_in, "/users/addresses", **NEW).status_code == 302
    assert book(user.id) == [("Alice at work", True)]  # the first one is the default
    home = addresses.add(user.id, HOME).id
    assert book(user.id) == [("Alice at work", True), ("Alice Smith", False)]
    assert post(signed_in, f"/users/addresses/{home}/default").status_code == 302
    assert book(user.id) == [("Alice at work", False), ("Alice Smith", True)]
    edited = post(signed_in, f"/users/addresses/{home}/edit", **{**NEW, "recipient": "Alice S."})
    assert edited.status_code == 302
    page = text(signed_in.get("/users/addresses"))
    assert "Alice S." in page and "TW1 1AA" in page
    assert post(signed_in, f"/users/addresses/{home}/delete").status_code == 302
    assert book(user.id) == [("Alice at work", True)]  # the default moved to what is left


def test_bad_input_is_refused_and_changes_nothing(signed_in, user):
    for bad in ({"recipient": "   "}, {"phone": "call me"}, {"postcode": "<script>"},
                {"lines": "x" * 301}, {"recipient": "y" * 61}):
        response = post(signed_in, "/users/addresses", **{**NEW, **bad})
        assert response.status_code == 400, bad
    assert book(user.id) == []


def test_another_shoppers_address_is_not_found(signed_in, user):
    bob = accounts.create_user("bobby", "bobby@example.com", PASSWORD)
    theirs = addresses.add(bob.id, HOME).id
    assert signed_in.get(f"/users/addresses/{theirs}/edit").status_code == 404
    for action in ("edit", "delete", "default"):
        response = post(signed_in, f"/users/addresses/{theirs}/{action}", **NEW)
        assert response.status_code == 404, action
    for junk in ("0", "-1", "x", "9" * 30):
        assert signed_in.get(f"/users/addresses/{junk}/edit").status_code == 404
    assert book(bob.id) == [("Alice Smith", True)]


def test_adding_from_checkout_goes_back_to_checkout(signed_in, user):
    response = signed_in.post("/users/addresses?next=/checkout", data={
        **NEW, "csrf_token": csrf_token(signed_in, "/users/addresses")})
    assert response.headers["Location"].endswith("/checkout")
    evil = signed_in.post("/users/addresses?next=//evil.example", data={
        **NEW, "csrf_token": csrf_token(signed_in, "/users/addresses")})
    assert evil.headers["Location"].endswith("/users/addresses")
