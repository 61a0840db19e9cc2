"""Staff move orders on in Flask-Admin; the flow refuses what it does not allow."""

from __future__ import annotations

import pytest

from storefront.models import DeliverySlot, OrderInfo
from tests.admin.test_admin import reload, token_on
from tests.checkout_support import add_slot, place_order, sku_row, slot_taken
from tests.conftest import sign_in
from tests.helpers import text
from tests.services.orders.test_orders import order_id


@pytest.fixture
def staff_client(client, staff):
    assert sign_in(client, "sam").status_code == 302
    return client


def act(client, action: str, *ids: int):
    response = client.post("/admin/orderinfo/action/", data={
        "action": action, "rowid": [str(i) for i in ids],
        "csrf_token": token_on(client, "/admin/orderinfo/")}, follow_redirects=True)
    assert response.status_code == 200
    return text(response)


def test_staff_move_an_order_to_delivered_and_illegal_moves_are_refused(staff_client, user,
                                                                       shop):
    number = place_order(user.id, (shop.prawns, 1))
    oid = order_id(number)
    assert number in text(staff_client.get("/admin/orderinfo/"))
    refused = act(staff_client, "delivered", oid)  # placed → delivered skips two steps
    assert "cannot be moved to delivered" in refused
    assert reload(OrderInfo, oid).status == OrderInfo.PLACED
    for step, want in (("packing", OrderInfo.PACKING),
                       ("out_for_delivery", OrderInfo.OUT_FOR_DELIVERY),
                       ("delivered", OrderInfo.DELIVERED)):
        act(staff_client, step, oid)
        assert reload(OrderInfo, oid).status == want
    assert "is delivered: it cannot be moved to packing" in act(staff_client, "packing", oid)
    assert "cannot be cancelled" in act(staff_client, "cancel", oid)
    order = reload(OrderInfo, oid)
    assert order.status == OrderInfo.DELIVERED and order.delivered_at is not None
    assert sku_row(shop.prawns).stock == 9


def test_staff_cancel_gives_stock_and_slot_back_once_until_out_for_delivery(staff_client,
                                                                           user, shop):
    slot_id = add_slot()
    first = order_id(place_order(user.id, (shop.apples, 2), slot_id=slot_id))
    second = order_id(place_order(user.id, (shop.apples, 2), slot_id=slot_id))
    act(staff_client, "packing", first)
    act(staff_client, "packing", second)
    act(staff_client, "out_for_delivery", second)
    page = act(staff_client, "cancel", first, second, first)
    assert "1 order(s) cancelled" in page and "is out for delivery" in page
    assert "is cancelled: it cannot be cancelled" in page  # the repeated id: once only
    assert (sku_row(shop.apples).stock, slot_taken(slot_id)) == (8, 1)


def test_orders_filter_by_status(staff_client, user, shop):
    packed, placed = (place_order(user.id, (shop.prawns, 1)) for _ in range(2))
    act(staff_client, "packing", order_id(packed))
    page = text(staff_client.get("/admin/orderinfo/?flt0_0=2"))
    assert packed in page and placed not in page


def test_a_slot_cannot_shrink_below_its_orders(staff_client, user, shop):
    slot_id = add_slot()
    place_order(user.id, (shop.prawns, 1), slot_id=slot_id)
    place_order(user.id, (shop.prawns, 1), slot_id=slot_id)
    form = staff_client.get(f"/admin/deliveryslot/edit/?id={slot_id}")
    assert form.status_code == 200
    slot = reload(DeliverySlot, slot_id)
    response = staff_client.post(f"/admin/deliveryslot/edit/?id={slot_id}", data={
        "starts_at": slot.starts_at.strftime("%Y-%m-%d %H:%M:%S"),
        "ends_at": slot.ends_at.strftime("%Y-%m-%d %H:%M:%S"), "capacity": "1",
        "csrf_token": token_on(staff_client, f"/admin/deliveryslot/edit/?id={slot_id}")},
        follow_redirects=True)
    assert "the capacity cannot be lower" in text(response)
    assert reload(DeliverySlot, slot_id).capacity == 20
