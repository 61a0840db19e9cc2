"""Register, sign in (staying on site), sign out, and the profile's history."""

from urllib.parse import urlsplit

import pytest
from argon2 import PasswordHasher
from werkzeug.security import generate_password_hash

from storefront.extensions import db
from storefront.models import GoodsSKU, User
from storefront.services.cart import shopper
from tests.conftest import PASSWORD, csrf_token, sign_in
from tests.helpers import order_of, shown, text


def register(client, **overrides):
    form = {"username": "carol", "email": "carol@example.com", "password": "s3cret-pass",
            "confirm": "s3cret-pass"}
    form.update(overrides)
    form["csrf_token"] = csrf_token(client, "/users/register")
    return client.post("/users/register", data=form)


def test_register_signs_the_new_user_in(client, app):
    response = register(client)
    assert response.status_code == 302
    assert "Welcome" in text(client.get("/")) and "carol" in text(client.get("/"))
    stored = db.session.scalar(db.select(User).filter_by(username="carol"))
    assert stored.password_hash.startswith("$argon2id$")
    assert "s3cret-pass" not in stored.password_hash


@pytest.mark.parametrize("bad", [
    {"username": "a"}, {"email": "not-an-email"}, {"password": "short", "confirm": "short"},
    {"confirm": "something else"}, {"username": "bad name!"},
])
def test_register_rejects_bad_input_and_creates_nobody(client, app, bad):
    response = register(client, **bad)
    assert response.status_code == 400
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0


def test_register_rejects_a_taken_name_or_email(client, user):
    assert register(client, username="alice").status_code == 400
    assert register(client, email="ALICE@example.com").status_code == 400
    assert "already registered" in text(register(client, username="Alice"))
    assert db.session.scalar(db.select(db.func.count(User.id))) == 1


def test_register_without_csrf_changes_nothing(client, app):
    response = client.post("/users/register", data={
        "username": "mallory", "email": "m@example.com", "password": "s3cret-pass",
        "confirm": "s3cret-pass"})
    assert response.status_code == 400
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0


def test_login_with_wrong_password_is_refused(client, user):
    response = sign_in(client, password="wrong password")
    assert response.status_code == 400
    assert "Wrong username or password" in text(response)
    assert "Welcome" not in shown(client.get("/"))


def test_login_follows_a_local_next(client, user, shop):
    token = csrf_token(client)
    response = client.post(f"/users/login?next=/goods/{shop.apples}",
                           data={"username": "alice", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/goods/{shop.apples}"


@pytest.mark.parametrize("target", [
    "//evil.example", "/\\evil.example", "https://evil.example/", "javascript:alert(1)",
    "/%2F%2Fevil.example", "\\\\evil.example", "http:/evil.example", "/\tevil",
])
def test_login_never_leaves_the_site(client, user, target):
    token = csrf_token(client)
    response = client.post("/users/login", query_string={"next": target},
                           data={"username": "alice", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert not location.scheme and not location.netloc
    assert location.path.startswith("/") and not location.path.startswith(("//", "/\\"))


def test_login_renews_the_session(client, user):
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    sign_in(client)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session.get("_user_id") == f"{user.id}:{user.session_version}"


def test_logout_is_a_post_with_csrf(signed_in):
    assert signed_in.get("/users/logout").status_code == 405
    assert signed_in.post("/users/logout").status_code == 400  # no token
    assert "Welcome" in text(signed_in.get("/"))
    response = signed_in.post("/users/logout", data={"csrf_token": csrf_token(signed_in, "/")})
    assert response.status_code == 302 and response.location == "/users/login"
    landing = text(signed_in.get(response.location))
    assert "You are signed out. See you soon!" in landing and "class=\"welcome\"" not in landing
    home = shown(signed_in.get("/"))
    assert "Welcome" not in home and "signed out" not in home  # said once, not again


def test_profile_needs_sign_in(client, app):
    response = client.get("/users/profile")
    assert response.status_code == 302
    assert "/users/login?next=" in response.headers["Location"]


def test_profile_lists_history_newest_first(signed_in, shop):
    for sku_id in (shop.prawns, shop.apples, shop.apples_big):
        signed_in.get(f"/goods/{sku_id}")
    page = text(signed_in.get("/users/profile")).replace("<wbr>", "")  # break hints
    assert "alice" in page and "alice@example.com" in page
    a, b, c = order_of(page, "Fuji apples 2kg", "Fuji apples 500g", "Tiger prawns")
    assert a < b < c


def test_profile_skips_history_skus_taken_off_sale_or_deleted(signed_in, user, shop):
    for sku_id in (shop.prawns, shop.apples):
        signed_in.get(f"/goods/{sku_id}")
    shopper.record_view(user.id, 987654)  # a SKU since deleted
    db.session.get(GoodsSKU, shop.prawns).is_on_sale = False
    db.session.commit()
    response = signed_in.get("/users/profile")
    assert response.status_code == 200
    assert "Tiger prawns" not in text(response) and "Fuji apples 500g" in text(response)


def test_signed_in_marker_cookie_follows_login_and_logout(client, user):
    """nginx routes on this cookie: static homepage without it, the app with it."""
    sign_in(client)
    assert client.get_cookie("sf_signed_in").value == "1"
    client.post("/users/logout", data={"csrf_token": csrf_token(client, "/")})
    assert client.get_cookie("sf_signed_in") is None


def test_marker_without_a_session_is_cleared(client, app):
    client.set_cookie("sf_signed_in", "1")
    page = text(client.get("/"))
    assert "Sign in</a>" in page  # the app trusts the session, not the marker
    assert client.get_cookie("sf_signed_in") is None


def test_sign_in_is_throttled_per_account(client, user):
    for _ in range(5):
        assert sign_in(client, password="wrong guess").status_code == 400
    response = sign_in(client)  # even the right password waits now
    assert response.status_code == 429
    assert "Too many sign-in attempts" in text(response)
    assert "Welcome" not in shown(client.get("/"))


def test_throttling_counts_failures_only_and_per_account(client, app, user):
    for _ in range(4):
        sign_in(client, password="wrong guess")
    assert sign_in(client).status_code == 302  # 4 failures, then the owner gets in
    other = app.test_client()
    for _ in range(5):
        sign_in(other, username="nobody", password="x")
    assert sign_in(other, username="nobody", password="x").status_code == 429
    assert sign_in(other).status_code == 302  # alice's account is not locked by it


def test_sign_in_is_throttled_per_address(client, app, user):
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "3 per minute"
    for name in ("a", "b", "c"):
        sign_in(client, username=name, password="x")
    assert sign_in(client).status_code == 429


WEAK_ARGON2 = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)


@pytest.mark.real_password_hash
@pytest.mark.parametrize("old_hash", [generate_password_hash, WEAK_ARGON2.hash],
                         ids=["werkzeug-scrypt", "weak-argon2"])
def test_old_password_hashes_are_upgraded_on_sign_in(client, user, old_hash):
    stored = db.session.get(User, user.id)
    stored.password_hash = old_hash(PASSWORD)
    db.session.commit()
    assert sign_in(client, password="wrong guess").status_code == 400
    assert sign_in(client).status_code == 302
    db.session.expire_all()
    upgraded = db.session.get(User, user.id).password_hash
    assert upgraded.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_a_shopper_signs_in_with_their_email_in_any_case(client, user):
    page = text(client.get("/users/login"))
    assert "Username or email" in page
    response = sign_in(client, " ALICE@Example.com ")
    assert response.status_code == 302
    assert "Welcome <strong>alice</strong>" in text(client.get("/users/profile"))


def test_a_wrong_password_with_an_email_says_the_same_as_with_a_name(client, user):
    by_email = text(sign_in(client, "alice@example.com", "not the password"))
    by_name = text(sign_in(client, "alice", "not the password"))
    unknown = text(sign_in(client, "nobody@example.com", "not the password"))
    assert "Wrong username or password." in by_email
    assert "Wrong username or password." in by_name and "Wrong username or password." in unknown
