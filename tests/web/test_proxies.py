"""X-Forwarded-For counts only from a trusted proxy's address: a client that reaches
gunicorn directly cannot pick a new address for every guess."""

import re
from pathlib import Path

import pytest
from flask import request

from storefront import create_app
from storefront.extensions import db
from storefront.web.proxies import parse_networks
from tests.conftest import csrf_token

# what deploy/gunicorn.conf.py trusts by default (nginx on the same machine)
DEPLOYED = re.search(r'setdefault\("FLASK_TRUSTED_PROXIES", "([^"]*)"\)',
                     (Path(__file__).parents[2] / "deploy" / "gunicorn.conf.py").read_text()
                     ).group(1)
NGINX, STRANGER = "127.0.0.1", "203.0.113.7"


@pytest.fixture
def app(app_config):
    app = create_app({**app_config, "TRUSTED_PROXIES": DEPLOYED,
                      "LOGIN_LIMIT_PER_ADDRESS": "3 per minute"})
    app.add_url_rule("/_whoami", "whoami", lambda: f"{request.remote_addr} {request.scheme}")
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


def failed_sign_in(client, peer: str, forwarded: str, n: int):
    environ = {"REMOTE_ADDR": peer}
    token = csrf_token(client)
    return client.post("/users/login", environ_base=environ,
                       headers={"X-Forwarded-For": forwarded},
                       data={"username": f"guess{n}", "password": "x", "csrf_token": token})


def test_a_direct_client_rotating_x_forwarded_for_stays_throttled(app, client):
    statuses = [failed_sign_in(client, STRANGER, f"198.51.100.{n}", n).status_code
                for n in range(5)]
    assert statuses == [400, 400, 400, 429, 429]


def test_through_the_trusted_proxy_the_forwarded_address_counts(app, client):
    statuses = [failed_sign_in(client, NGINX, f"198.51.100.{n}", n).status_code
                for n in range(5)]
    assert statuses == [400] * 5  # five visitors behind nginx, one failure each


@pytest.mark.parametrize("peer, forwarded, proto, seen", [
    (STRANGER, "1.2.3.4", "https", f"{STRANGER} http"),  # believed from nobody else
    (NGINX, "1.2.3.4", "https", "1.2.3.4 https"),
    (NGINX, "6.6.6.6, 1.2.3.4", "https", "1.2.3.4 https"),  # the left one is the client's say
    (NGINX, "6.6.6.6, 1.2.3.4, 127.0.0.1", "http", "1.2.3.4 http"),  # trusted hops skipped
    (NGINX, "", "", f"{NGINX} http"),
])
def test_the_client_is_the_right_most_untrusted_address(app, client, peer, forwarded, proto,
                                                          seen):
    response = client.get("/_whoami", environ_base={"REMOTE_ADDR": peer},
                          headers={"X-Forwarded-For": forwarded, "X-Forwarded-Proto": proto})
    assert response.get_data(as_text=True) == seen


def test_trusted_proxies_is_a_list_of_addresses_not_a_hop_count():
    assert [str(n) for n in parse_networks("127.0.0.1, ::1,10.0.0.0/8")] == [
        "127.0.0.1/32", "::1/128", "10.0.0.0/8"]
    assert parse_networks("") == ()
    with pytest.raises(ValueError, match="hop count"):
        parse_networks(1)
