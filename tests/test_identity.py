"""One identity per account: every spelling of a name is the same account, for the unique
index, for sign-in and for the throttle, on SQLite and on MariaDB alike."""

import threading

import pytest

from storefront.extensions import db
from storefront.models import User
from tests.conftest import ShopperClient, csrf_token, sign_in
from tests.helpers import shown, text

# Case, surrounding spaces and full-width letters: what a person reads as "alice".
SAME_NAME = ["ALICE", "Alice ", " alice", "ａｌｉｃｅ", "ＡＬＩＣＥ"]


def users_named(canonical: str) -> int:
    db.session.rollback()  # see what the requests committed
    return db.session.scalar(db.select(db.func.count(User.id))
                             .where(User.username_canonical == canonical))


def test_spelling_variants_of_a_blocked_account_are_still_blocked(client, user):
    for _ in range(5):
        assert sign_in(client, password="wrong guess").status_code == 400
    for variant in SAME_NAME:
        # neither a wrong guess nor the right password gets a fresh count under a variant
        assert sign_in(client, username=variant, password="another guess").status_code == 429
        assert sign_in(client, username=variant).status_code == 429, variant
    assert "Welcome" not in shown(client.get("/"))


@pytest.mark.parametrize("variant", SAME_NAME)
def test_the_right_password_under_a_variant_signs_in_as_the_one_account(client, user,
                                                                          variant):
    assert sign_in(client, username=variant).status_code == 302
    page = text(client.get("/users/profile")).replace("<wbr>", "")  # break hints
    assert "alice@example.com" in page  # alice's own account, the only one
    assert users_named("alice") == 1


@pytest.mark.parametrize("other", ["alicé", "alice.", "al ice"])
def test_a_different_name_does_not_sign_in_as_the_account(client, user, other):
    """MariaDB's collation matched "alicé" to alice; the canonical form keeps accents."""
    assert sign_in(client, username=other).status_code == 400
    assert "Welcome" not in shown(client.get("/"))


def register(client, username: str, email: str):
    return client.post("/users/register", data={
        "username": username, "email": email, "password": "s3cret-pass",
        "confirm": "s3cret-pass", "csrf_token": csrf_token(client, "/users/register")})


def test_register_refuses_every_spelling_of_a_taken_name_or_email(client, user):
    for n, variant in enumerate(SAME_NAME):
        response = register(client, variant, f"new{n}@example.com")
        assert response.status_code == 400 and "already registered" in text(response), variant
    response = register(client, "newcomer", " ALICE@Example.COM ")
    assert response.status_code == 400 and "already registered" in text(response)
    assert db.session.scalar(db.select(db.func.count(User.id))) == 1


def test_racing_sign_ups_of_one_name_give_one_account_and_no_500(app):
    """Eight browsers submit the same name (case and width variants) at the same moment."""
    app.config["SIGNUP_LIMIT_PER_ADDRESS"] = "100 per hour"
    app.test_client_class = ShopperClient  # each request its own app context and DB session
    names = ["racer", "RACER", "Racer", "ｒａｃｅｒ", "racer", "rAcEr", "ＲＡＣＥＲ", "racer "]
    clients = [app.test_client() for _ in names]
    tokens = [csrf_token(c, "/users/register") for c in clients]
    start, statuses = threading.Barrier(len(names)), [None] * len(names)

    def sign_up(i: int) -> None:
        start.wait()
        statuses[i] = clients[i].post("/users/register", data={
            "username": names[i], "email": f"racer{i}@example.com", "password": "s3cret-pass",
            "confirm": "s3cret-pass", "csrf_token": tokens[i]}).status_code

    threads = [threading.Thread(target=sign_up, args=(i,)) for i in range(len(names))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(statuses) == [302] + [400] * (len(names) - 1)
    assert users_named("racer") == 1
