"""Faults the shop must ride out: Redis gone and back, the database restarted, a crowd of
add-to-cart posts at once."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest

from devtools.tcp_proxy import TcpProxy
from storefront.extensions import db
from storefront.models import GoodsSKU
from tests.conftest import csrf_token, sign_in
from tests.helpers import header_cart_count, text

services_only = pytest.mark.parametrize("backend", ["services"], indirect=True)


@pytest.fixture
def app_config(app_config, request):
    if "db_proxy" in request.fixturenames:
        proxy = request.getfixturevalue("db_proxy")
        app_config = {**app_config, "SQLALCHEMY_DATABASE_URI": app_config[
            "SQLALCHEMY_DATABASE_URI"].replace(":3306/", f":{proxy.port}/")}
    return app_config


def add(client, sku_id, count):
    return client.post("/cart/add", data={"sku_id": sku_id, "count": count,
                                          "csrf_token": csrf_token(client, "/")})


@services_only
def test_redis_down_degrades_pages_and_recovers_without_restart(own_redis, client, shop, user):
    sign_in(client)
    assert add(client, shop.apples, 2).status_code == 302

    own_redis.stop()
    home = client.get("/")
    assert home.status_code == 200 and "Fuji apples 500g" in text(home)
    assert header_cart_count(home) == 0
    detail = client.get(f"/goods/{shop.apples}")
    assert detail.status_code == 200 and "Sweet and crunchy!" in text(detail)
    assert client.get("/users/profile").status_code == 200
    refused = add(client, shop.apples, 1)
    assert refused.status_code == 503 and "try again" in text(refused)
    assert "Traceback" not in text(refused)
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json["failing"] == ["redis"]

    own_redis.start()  # back, empty (no persistence): the app reconnects by itself
    assert add(client, shop.apples, 3).status_code == 302
    assert header_cart_count(client.get("/")) == 3
    assert client.get("/readyz").status_code == 200


@services_only
def test_signing_in_works_while_redis_is_down(own_redis, client, shop, user):
    own_redis.stop()
    assert sign_in(client).status_code == 302
    assert "Welcome" in text(client.get("/"))


@services_only
def test_the_cart_with_redis_down_is_a_friendly_page_and_changes_say_try_again(
        own_redis, client, shop, user):
    same_site = {"Sec-Fetch-Site": "same-origin"}
    anonymous = client.application.test_client()
    assert anonymous.post("/cart/add", data={"sku_id": shop.apples, "count": 1},
                          headers=same_site).status_code == 302
    sign_in(client)
    token = csrf_token(client, "/cart")
    own_redis.stop()
    for visitor in (client, anonymous):
        page = visitor.get("/cart")
        assert page.status_code == 503 and "try again in a moment" in text(page)
        assert "Traceback" not in text(page) and "My cart" in text(page)
        for path, data in (("/cart/add", {"sku_id": shop.apples, "count": 1}),
                           ("/cart/update", {"sku_id": shop.apples, "count": 1}),
                           ("/cart/remove", {"sku_id": shop.apples})):
            refused = visitor.post(path, data={**data, "csrf_token": token}, headers=same_site)
            assert refused.status_code == 503, path
            assert "try again in a moment" in text(refused) and "Traceback" not in text(refused)


@pytest.fixture
def db_proxy():
    proxy = TcpProxy(3306)
    yield proxy
    proxy.close()


def restart(proxy: TcpProxy, *, stay_down: bool = False) -> None:
    """Every connection to the database dies, as in a MariaDB restart."""
    db.session.close()  # the test's own session lets go first: only the app's pool suffers
    proxy.accepting = not stay_down
    proxy.cut_all()


@services_only
def test_the_request_after_a_database_restart_succeeds(db_proxy, client, shop):
    assert client.get(f"/goods/{shop.prawns}").status_code == 200
    restart(db_proxy)
    assert client.get(f"/list/{shop.fruit}").status_code == 200
    restart(db_proxy)
    assert client.get("/readyz").status_code == 200


@services_only
def test_database_down_is_a_clean_503_not_a_traceback(db_proxy, app, client, shop):
    restart(db_proxy, stay_down=True)
    response = client.get(f"/list/{shop.fruit}")
    assert response.status_code == 503 and "try again" in text(response)
    assert "Traceback" not in text(response) and "Storefront" in text(response)
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json["failing"] == ["database"]
    db_proxy.accepting = True
    assert client.get(f"/list/{shop.fruit}").status_code == 200


def test_fifty_concurrent_adds_never_pass_the_stock(app, client, shop, user):
    sku = db.session.get(GoodsSKU, shop.apples)
    sku.stock, sku.price = 30, Decimal("1.00")
    db.session.commit()
    sign_in(client)
    token = csrf_token(client, "/")
    cookie = client.get_cookie("session").value
    statuses: list[int] = []

    def shopper() -> None:
        own = app.test_client()
        own.set_cookie("session", cookie)
        response = own.post("/cart/add", data={"sku_id": shop.apples, "count": 1,
                                               "csrf_token": token})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=shopper) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(statuses) == [302] * 30 + [409] * 20
    assert header_cart_count(client.get("/")) == 30
