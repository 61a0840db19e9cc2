"""Sessions that end: sign-out, a password change and staff's "sign out everywhere" make
every earlier copy of the session cookie useless. The signed-in user comes from a cache, so
pages pay no query for it, and the cache never outlives a change to the account."""

import pytest
import redis

from storefront import redis_keys
from storefront.extensions import db, redis_store
from storefront.models import User
from storefront.services.accounts import users as accounts
from tests.conftest import PASSWORD, count_queries, csrf_token, sign_in
from tests.helpers import shown, text


@pytest.fixture
def thief(app, signed_in):
    """Another browser holding a copy of alice's session cookie."""
    other = app.test_client()
    other.set_cookie("session", signed_in.get_cookie("session").value)
    assert other.get("/users/profile").status_code == 200  # the copy works, for now
    return other


def signed_out(client) -> bool:
    response = client.get("/users/profile")
    return response.status_code == 302 and "/users/login" in response.headers["Location"]


def test_a_copied_cookie_stops_working_after_sign_out(signed_in, thief):
    signed_in.post("/users/logout", data={"csrf_token": csrf_token(signed_in, "/")})
    assert signed_out(thief)
    assert "Welcome" not in shown(thief.get("/"))
    assert thief.get_cookie("sf_signed_in") is None  # nginx's hint goes with it


def test_a_password_change_ends_every_other_session(signed_in, thief):
    response = signed_in.post("/users/password", data={
        "current": PASSWORD, "password": "a brand new secret", "confirm": "a brand new secret",
        "csrf_token": csrf_token(signed_in, "/users/password")})
    assert response.status_code == 302
    assert signed_out(thief)
    assert signed_in.get("/users/profile").status_code == 200  # the one who changed it stays
    assert sign_in(thief, password="a brand new secret").status_code == 302


def test_a_wrong_current_password_changes_nothing(signed_in, thief):
    response = signed_in.post("/users/password", data={
        "current": "not it", "password": "a brand new secret", "confirm": "a brand new secret",
        "csrf_token": csrf_token(signed_in, "/users/password")})
    assert response.status_code == 400 and "not your current password" in text(response)
    assert thief.get("/users/profile").status_code == 200


def test_staff_sign_a_user_out_everywhere(app, user, thief, staff):
    admin = app.test_client()
    assert sign_in(admin, "sam").status_code == 302
    response = admin.post("/admin/user/action/", data={
        "action": "end_sessions", "rowid": [user.id],
        "csrf_token": csrf_token(admin, "/admin/user/")})
    assert response.status_code == 302
    assert signed_out(thief)
    assert admin.get("/admin/").status_code == 200  # staff's own session is untouched


def test_a_deactivated_account_is_signed_out_at_once(app, user, thief):
    """Whoever changes the row (here a script), the cached user is cleared after the commit."""
    db.session.get(User, user.id).is_active = False
    db.session.commit()
    assert signed_out(thief)


def test_a_warm_signed_in_page_runs_no_query_for_the_user(signed_in, user):
    signed_in.get("/")  # the page's own caches
    with count_queries() as statements:
        assert "Welcome <strong>alice</strong>" in text(signed_in.get("/"))
    assert not [s for s in statements if "users" in s]


def test_the_cached_user_is_plain_data_under_its_documented_key(app, signed_in, user):
    raw = redis_store.client.get(redis_keys.cached_user(user.id))
    assert raw.startswith("{") and "password" not in raw
    cached = accounts.user_from_cache(raw)
    assert (cached.id, cached.username, cached.is_staff, cached.is_active) == (
        user.id, "alice", False, True)
    assert accounts.user_from_cache(None) is None
    assert accounts.user_from_cache(accounts.TOMBSTONE) is None


@pytest.mark.parametrize("backend", ["embedded"])  # breaks the app's own Redis client
def test_signed_in_pages_still_work_when_redis_is_down(app, signed_in, monkeypatch):
    def down(*args, **kwargs):
        raise redis.ConnectionError("Redis is down")

    for name in ("get", "set", "hgetall", "pipeline"):
        monkeypatch.setattr(redis_store.client, name, down)
    assert "Welcome <strong>alice</strong>" in text(signed_in.get("/users/profile"))
