"""Staff manage offers in Flask-Admin with the CLI's rules: times in the shop's zone, bad
offers refused with the reason and nothing saved."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from storefront.extensions import db
from storefront.models import Offer
from tests.admin.test_admin import submit
from tests.conftest import sign_in
from tests.helpers import text


@pytest.fixture
def staff_client(client, staff):
    assert sign_in(client, "sam").status_code == 302
    return client


def offers_count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Offer))


def test_staff_add_an_offer_in_the_shops_time_zone(app, staff_client, shop):
    app.config["SHOP_TIMEZONE"] = "Europe/Berlin"
    response = submit(staff_client, "/admin/offer/new/", {
        "name": "Fruit festival", "kind": "percent", "percent": "30",
        "category": str(shop.fruit), "starts_at": "2026-12-05T00:00",
        "ends_at": "2026-12-06T23:59"})
    assert response.status_code == 302, text(response)
    db.session.rollback()  # a fresh transaction sees what the admin's request committed
    offer = db.session.scalar(select(Offer))
    assert offer.starts_at == datetime(2026, 12, 4, 23, 0, tzinfo=UTC)  # CET is UTC+1
    assert (offer.kind, offer.percent, offer.category_id) == ("percent", 30, shop.fruit)
    listing = text(staff_client.get("/admin/offer/"))
    assert "30% off" in listing and "2026-12-05 00:00 CET" in listing


@pytest.mark.parametrize(("changes", "message"), [
    ({"kind": "percent", "percent": "30", "category": "{fruit}",
      "starts_at": "2026-12-07T00:00", "ends_at": "2026-12-05T00:00"}, "ends before it starts"),
    ({"kind": "fixed", "fixed_price": "12.00", "category": "{fruit}"},
     "not below the normal price of Fuji apples 500g"),
    ({"kind": "percent", "percent": "30"}, "choose what the offer covers"),
    ({"kind": "multibuy", "buy_count": "3"}, "like 3for2 or 2for5.00"),
])
def test_a_bad_offer_is_refused_with_the_reason_and_nothing_saved(staff_client, shop, changes,
                                                                  message):
    form = {"name": "Bad", "starts_at": "2026-12-05T00:00", "ends_at": "2026-12-06T00:00",
            **{k: v.format(fruit=shop.fruit) for k, v in changes.items()}}
    response = submit(staff_client, "/admin/offer/new/", form)
    assert response.status_code == 200
    assert message in text(response)
    assert offers_count() == 0
