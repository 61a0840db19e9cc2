"""Order mails go out after the commit, through a real SMTP server (aiosmtpd on a free
port), or into instance/outbox/ files on the embedded defaults."""

from __future__ import annotations

import pytest

from storefront import create_app
from storefront.extensions import db
from storefront.models import OrderInfo
from storefront.services.orders import mail, status
from tests.checkout_support import add_address, add_slot, checkout_form, fill_cart, place_order
from tests.mail_support import body
from tests.services.orders.test_orders import order_id


@pytest.fixture
def app_config(app_config, smtp):
    return {**app_config, "MAIL_SERVER": smtp.hostname, "MAIL_PORT": smtp.port}


def test_placing_an_order_mails_a_confirmation(signed_in, user, shop, inbox):
    fill_cart(user.id, (shop.prawns, 1))
    response = signed_in.post("/checkout", data=checkout_form(
        signed_in, add_address(user.id), add_slot()))
    assert response.status_code == 302
    [sent] = inbox.wait_for(1)
    number = response.headers["Location"].rsplit("/", 1)[1]
    assert sent["To"] == "alice@example.com" and number in sent["Subject"]
    assert "1 x Tiger prawns (300g) at $45.00" in body(sent)
    assert "Total:         $49.99" in body(sent) and "Pay on delivery" in body(sent)
    assert f"/orders/{number}" in body(sent)


def test_each_status_change_mails_once_and_a_refused_move_mails_nothing(user, shop, inbox):
    number = place_order(user.id, (shop.prawns, 1))
    oid = order_id(number)
    status.advance(oid, OrderInfo.PACKING)
    with pytest.raises(status.IllegalMove):
        status.advance(oid, OrderInfo.DELIVERED)
    status.cancel(oid, by_staff=True)
    subjects = [m["Subject"] for m in inbox.wait_for(3)]
    assert subjects == [f"Your order {number} is placed", f"We are packing your order {number}",
                        f"Your order {number} is cancelled"]


def test_a_refused_checkout_mails_nothing(signed_in, user, shop, inbox):
    fill_cart(user.id, (shop.apples, 1))  # below the minimum order
    form = checkout_form(signed_in, add_address(user.id), add_slot())
    assert signed_in.post("/checkout", data=form).status_code == 409
    place_order(user.id, (shop.prawns, 1))  # a later order's mail arrives first and alone
    assert [m["Subject"] for m in inbox.wait_for(1)][0].endswith("is placed")
    assert len(inbox.messages) == 1


@pytest.mark.parametrize("backend", ["embedded"])
def test_on_the_embedded_defaults_mails_are_files_in_the_outbox(app_config, tmp_path):
    outbox = tmp_path / "outbox"
    config = {**app_config, "TESTING": False, "MAIL_SERVER": "", "MAIL_FILE_PATH": str(outbox)}
    app = create_app(config)
    with app.app_context():
        db.create_all()
        from storefront.services.accounts import users as accounts
        from tests import factories

        shop = factories.small_shop()
        user = accounts.create_user("carol", "carol@example.com", "correct horse battery")
        number = place_order(user.id, (shop.prawns, 1))
        files = list(outbox.iterdir())
        assert len(files) == 1 and number in files[0].read_text()
        assert mail.send(999999, "placed") is False
        db.session.remove()
        db.engine.dispose()
