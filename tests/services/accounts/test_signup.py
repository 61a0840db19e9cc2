"""Sign-up cannot be used to exhaust the shop: sign-ups are limited per address, and each
worker hashes only a few passwords at once (64 MiB each), answering "busy" past a wait."""

import threading
import time

import pytest

from storefront.extensions import db
from storefront.models import User
from storefront.services.accounts import passwords as security
from tests.conftest import csrf_token, sign_in
from tests.helpers import text


def register(client, name: str):
    return client.post("/users/register", data={
        "username": name, "email": f"{name}@example.com", "password": "s3cret-pass",
        "confirm": "s3cret-pass", "csrf_token": csrf_token(client, "/users/register")})


def accounts_count() -> int:
    db.session.rollback()
    return db.session.scalar(db.select(db.func.count(User.id)))


def test_sign_ups_are_limited_per_address(app, client):
    app.config["SIGNUP_LIMIT_PER_ADDRESS"] = "2 per hour"
    assert register(client, "first").status_code == 302
    assert register(client, "second").status_code == 302
    response = register(client, "third")
    assert response.status_code == 429 and "Too many new accounts" in text(response)
    assert accounts_count() == 2
    other = app.test_client()  # another address still may
    other.environ_base["REMOTE_ADDR"] = "192.0.2.9"
    assert register(other, "fourth").status_code == 302


@pytest.mark.parametrize("backend", ["embedded"])  # the gate is per process, not per backend
def test_a_busy_worker_answers_503_not_500(app, client, user):
    app.config["PASSWORD_HASH_WAIT_SECONDS"] = 0.2
    gate = app.extensions["password_gate"]
    held = [gate.acquire(timeout=1) for _ in range(app.config["PASSWORD_HASH_CONCURRENCY"])]
    try:
        response = register(client, "newcomer")
        assert response.status_code == 503 and "try again" in text(response)
        assert response.headers["Retry-After"]
        assert sign_in(client).status_code == 503
    finally:
        for _ in held:
            gate.release()
    assert accounts_count() == 1
    assert register(client, "newcomer").status_code == 302  # the slot is free again


@pytest.mark.parametrize("backend", ["embedded"])
def test_at_most_the_configured_number_of_hashes_run_at_once(app, monkeypatch):
    running, peak, lock = [0], [0], threading.Lock()

    class SlowHasher:
        """Stands in for argon2 and counts how many hashes overlap."""

        def hash(self, password: str) -> str:
            with lock:
                running[0] += 1
                peak[0] = max(peak[0], running[0])
            time.sleep(0.05)
            with lock:
                running[0] -= 1
            return "hashed"

    monkeypatch.setitem(app.extensions, "password_hasher", SlowHasher())

    def hash_in_app() -> None:
        with app.app_context():
            security.hash_password("p")

    threads = [threading.Thread(target=hash_in_app) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert peak[0] == app.config["PASSWORD_HASH_CONCURRENCY"] == 2
