"""The shop answers to its own host names only (issue 21, class 5): with ALLOWED_HOSTS (or
SERVER_NAME) set, a request naming another Host is a 400 that echoes nothing back, while
the shop's own names work, with or without a port."""

from __future__ import annotations

import pytest

from storefront import create_app


@pytest.fixture
def app_config(app_config: dict) -> dict:
    return {**app_config, "ALLOWED_HOSTS": "shop.example,www.shop.example"}


@pytest.mark.parametrize("path", ["/admin", "/", "/users/login?next=/cart", "/cart",
                                  "/goods/1", "/search?q=x"])
def test_an_unknown_host_is_refused_and_never_echoed(client, shop, path):
    reply = client.get(path, base_url="http://evil.example")
    assert reply.status_code == 400
    assert "evil.example" not in reply.get_data(as_text=True)
    assert "evil.example" not in str(reply.headers)


def test_the_shop_s_own_names_are_served(client, shop):
    for host in ("shop.example", "www.shop.example", "shop.example:8080"):
        reply = client.get("/admin", base_url=f"http://{host}")
        assert reply.status_code == 308 and reply.headers["Location"].startswith(
            f"http://{host}/admin/")
        assert client.get("/", base_url=f"http://{host}").status_code == 200


def test_server_name_alone_names_the_host(app_config):
    config = {**app_config, "ALLOWED_HOSTS": "", "SERVER_NAME": "shop.example:8080"}
    assert create_app(config).config["TRUSTED_HOSTS"] == ["shop.example", "localhost"]
    open_app = create_app({**app_config, "ALLOWED_HOSTS": ""})
    assert open_app.config["TRUSTED_HOSTS"] is None  # make run and the tests: any host
