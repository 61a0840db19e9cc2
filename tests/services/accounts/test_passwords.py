"""services/accounts/passwords.py on the production parameters: the rest of the suite hashes
with the cheapest Argon2 (tests/conftest.py, CHEAP_ARGON2), so this is where the real cost
is proven."""

from __future__ import annotations

import pytest
from flask import Flask

from storefront import create_app
from storefront.services.accounts.passwords import check_password, hash_password
from tests.conftest import CHEAP_ARGON2

REAL = "$argon2id$v=19$m=65536,t=3,p=4$"  # RFC 9106 low-memory: above OWASP's minimum


@pytest.fixture
def real_app(tmp_path) -> Flask:
    return create_app({"TESTING": True,
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'shop.sqlite'}"})


def test_the_shop_hashes_with_argon2id_at_64_mib_and_3_passes(real_app):
    with real_app.app_context():
        stored = hash_password("correct horse battery")
        assert stored.startswith(REAL)
        assert check_password(stored, "correct horse battery") == (True, False)
        assert check_password(stored, "wrong") == (False, False)


def test_outside_an_app_the_same_parameters_apply():
    assert hash_password("p").startswith(REAL)


def test_a_hash_from_the_suite_s_cheap_parameters_is_upgraded_by_the_shop(real_app, tmp_path):
    cheap_app = create_app({"TESTING": True, **CHEAP_ARGON2,
                            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'c.sqlite'}"})
    with cheap_app.app_context():
        cheap = hash_password("p")
    assert cheap.startswith("$argon2id$v=19$m=8,t=1,p=1$")
    with real_app.app_context():
        assert check_password(cheap, "p") == (True, True)
