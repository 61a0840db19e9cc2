"""Deleting a SKU (issue 10, class 2): foreign keys hold on both backends, a sold SKU stays,
its banners, tiles and gallery go with it, and carts and histories drop it after the commit."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from storefront import models
from storefront.extensions import db, redis_store
from storefront.models import Goods, GoodsCategory, GoodsImage, GoodsSKU
from tests import factories
from tests.conftest import csrf_token, sign_in
from tests.helpers import header_cart_count, text


@pytest.fixture
def staff_client(app, client, staff):
    browser = app.test_client()  # a second browser (a ShopperClient) beside ``client``
    assert sign_in(browser, "sam").status_code == 302
    return browser


def delete_sku(staff_client, sku_id: int):
    token = csrf_token(staff_client, "/admin/goodssku/")
    return staff_client.post("/admin/goodssku/delete/", data={"id": sku_id, "csrf_token": token},
                             follow_redirects=True)


def rows_pointing_at(sku_id: int) -> int:
    db.session.rollback()  # see what the admin's request committed
    return sum(db.session.scalar(select(func.count()).select_from(model)
                                 .where(model.sku_id == sku_id))
               for model in (models.IndexGoodsBanner, models.IndexCategoryGoodsBanner, GoodsImage))


def test_a_row_pointing_at_a_missing_sku_is_refused(backend, app):
    db.session.add(GoodsImage(sku_id=424242, image="goods/orphan.jpg"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_sold_sku_stays_and_staff_are_told_to_take_it_off_sale(backend, staff_client, shop):
    page = delete_sku(staff_client, shop.apples)  # bob ordered and reviewed them
    assert page.status_code == 200
    assert "is in customer orders, so it cannot be deleted" in text(page)
    assert "Take it off sale instead" in text(page)
    assert "SQL" not in text(page) and "FOREIGN KEY" not in text(page).upper()
    db.session.rollback()
    assert db.session.get(GoodsSKU, shop.apples) is not None
    assert rows_pointing_at(shop.apples) == 4  # two gallery pictures, a slide, a tile


def test_banners_tiles_and_pictures_go_with_the_sku_and_not_to_the_next_one(backend, client,
                                                                           staff_client, shop):
    assert rows_pointing_at(shop.prawns) == 2  # a carousel slide and an image tile
    assert delete_sku(staff_client, shop.prawns).status_code == 200
    assert rows_pointing_at(shop.prawns) == 0
    assert db.session.get(GoodsSKU, shop.prawns) is None

    # SQLite hands the freed id to the next SKU; MariaDB does not. Either way it starts bare.
    crab = factories.sku(db.session.get(GoodsCategory, shop.seafood),
                         db.session.scalar(select(Goods).filter_by(name="Shellfish")), "Crab")
    db.session.commit()
    assert rows_pointing_at(crab.id) == 0
    homepage = text(client.get("/"))
    assert "Crab" not in homepage  # no slide and no tile of the deleted prawns


def cart_and_history(app, user) -> tuple[dict, list]:
    prefix = app.config["REDIS_KEY_PREFIX"]
    client = redis_store.client
    return client.hgetall(f"{prefix}cart_{user.id}"), client.lrange(f"{prefix}history_{user.id}",
                                                                    0, -1)


def add(client, sku_id: int, count: int):
    return client.post("/cart/add", data={"sku_id": sku_id, "count": count,
                                          "csrf_token": csrf_token(client, "/")})


def test_carts_and_histories_drop_a_deleted_sku(backend, app, signed_in, user, staff_client,
                                                shop):
    for sku_id, count in ((shop.prawns, 3), (shop.apples_big, 1)):
        assert signed_in.get(f"/goods/{sku_id}").status_code == 200  # into the history
        assert add(signed_in, sku_id, count).status_code == 302
    assert "Tiger prawns" in text(signed_in.get("/users/profile"))
    assert header_cart_count(signed_in.get("/")) == 4

    assert delete_sku(staff_client, shop.prawns).status_code == 200

    assert cart_and_history(app, user) == ({str(shop.apples_big): "1"}, [str(shop.apples_big)])
    assert header_cart_count(signed_in.get("/")) == 1
    assert "Tiger prawns" not in text(signed_in.get("/users/profile"))
    # the next SKU (on SQLite: the same id) is in nobody's cart or history
    crab = factories.sku(db.session.get(GoodsCategory, shop.seafood),
                         db.session.scalar(select(Goods).filter_by(name="Shellfish")), "Crab")
    db.session.commit()
    assert header_cart_count(signed_in.get("/")) == 1
    assert "Crab" not in text(signed_in.get("/users/profile"))
    assert str(crab.id) not in cart_and_history(app, user)[0]


def test_a_delete_that_is_rolled_back_leaves_carts_alone(app, signed_in, user, shop):
    assert add(signed_in, shop.prawns, 2).status_code == 302
    db.session.delete(db.session.get(GoodsSKU, shop.prawns))
    db.session.flush()
    db.session.rollback()
    assert cart_and_history(app, user)[0] == {str(shop.prawns): "2"}
    assert header_cart_count(signed_in.get("/")) == 2
