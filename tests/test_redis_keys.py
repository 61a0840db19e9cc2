"""Every Redis key is named in storefront/redis_keys.py, and the names SPEC fixes hold."""

import re
from pathlib import Path

import pytest

from storefront import redis_keys
from storefront.extensions import redis_store

PACKAGE = Path(__file__).resolve().parent.parent / "storefront"


def test_spec_formats_under_the_prefix(app):
    prefix = app.config["REDIS_KEY_PREFIX"]
    assert redis_keys.cart(7) == f"{prefix}cart_7"
    assert redis_keys.history(7) == f"{prefix}history_7"


@pytest.mark.parametrize("backend", ["embedded"], indirect=True)
def test_scans_match_the_prefix_literally(app_config):
    """A prefix with glob characters in it finds its own carts, not another prefix's."""
    from storefront import create_app

    app = create_app({**app_config, "REDIS_KEY_PREFIX": "t[1]*:"})
    with app.app_context():
        client = redis_store.client
        client.hset(redis_keys.cart(1), "5", 1)
        client.hset(redis_keys.visitor_cart("tok"), "5", 1)
        client.hset("t1x:cart_2", "5", 1)  # what an unescaped "t[1]*:" would match too
        client.rpush(redis_keys.history(1), 5)
        carts = set(client.scan_iter(match=redis_keys.data_glob(redis_keys.CARTS)))
        histories = set(client.scan_iter(match=redis_keys.data_glob(redis_keys.HISTORIES)))
    assert carts == {"t[1]*:cart_1", "t[1]*:cart_anon_tok"}
    assert histories == {"t[1]*:history_1"}


def test_no_other_module_spells_a_key_prefix():
    """A key built from a prefix outside redis_keys.py is a second spelling of its name."""
    spelled = re.compile(r"config\[.(REDIS|CACHE)_KEY_PREFIX.\]")
    found = [f"{path.relative_to(PACKAGE)}:{n}"
             for path in PACKAGE.rglob("*.py") if path.name != "redis_keys.py"
             for n, line in enumerate(path.read_text().splitlines(), 1) if spelled.search(line)]
    assert found == []
