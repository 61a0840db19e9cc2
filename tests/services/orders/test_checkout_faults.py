"""Checkout when something is down: a clear answer, nothing half written, no traceback."""

from __future__ import annotations

import pytest

from tests.checkout_support import add_address, add_slot, checkout_form, fill_cart, sku_row
from tests.helpers import text
from tests.mail_support import free_port
from tests.services.orders.test_checkout import orders


@pytest.fixture
def app_config(app_config, request):
    if "dead_smtp" in request.fixturenames:
        app_config = {**app_config, "MAIL_SERVER": "127.0.0.1",
                      "MAIL_PORT": request.getfixturevalue("dead_smtp")}
    return app_config


@pytest.fixture
def dead_smtp() -> int:
    return free_port()  # nothing listens there


@pytest.mark.parametrize("backend", ["services"], indirect=True)
def test_redis_down_at_checkout_places_nothing_and_says_try_again(own_redis, signed_in, user,
                                                                  shop):
    fill_cart(user.id, (shop.prawns, 1))
    form = checkout_form(signed_in, add_address(user.id), add_slot())
    own_redis.stop()
    for response in (signed_in.get("/checkout"), signed_in.post("/checkout", data=form)):
        assert response.status_code == 503
        assert "out of reach for a moment" in text(response)
        assert "Traceback" not in text(response)
    assert orders() == [] and sku_row(shop.prawns).stock == 10


def test_a_mail_server_that_is_down_never_loses_the_order(dead_smtp, signed_in, user, shop,
                                                           caplog):
    fill_cart(user.id, (shop.prawns, 1))
    placed = signed_in.post("/checkout", data=checkout_form(signed_in, add_address(user.id),
                                                            add_slot()))
    assert placed.status_code == 302
    assert len(orders()) == 1 and sku_row(shop.prawns).stock == 9
    assert "placed mail of order" in caplog.text
