"""The merge at sign-in is final (issue 21, class 7): adds sent with the pre-sign-in cookie
while the visitor signs in land in the account's cart (before the merge) or are refused
with a message (after it); none goes to an orphaned anonymous cart answering "Added"."""

from __future__ import annotations

import threading

from storefront import redis_keys
from storefront.extensions import db, redis_store
from storefront.models import GoodsSKU
from tests.conftest import sign_in
from tests.helpers import text

SAME_SITE = {"Sec-Fetch-Site": "same-origin"}
ADDERS = 4


def add(client, sku_id: int):
    return client.post("/cart/add", data={"sku_id": sku_id, "count": 1}, headers=SAME_SITE)


def test_adds_racing_a_sign_in_never_land_in_an_orphaned_cart(backend, app, client, user,
                                                              shop):
    db.session.get(GoodsSKU, shop.prawns).stock = 5000
    db.session.commit()
    assert add(client, shop.apples).status_code == 302
    cookie = client.get_cookie("sf_cart").value
    start, signed_in = threading.Barrier(ADDERS + 1), threading.Event()
    answers: list[tuple[int, str]] = []

    def late_tab() -> None:
        tab = app.test_client()
        start.wait(10)
        after = 0
        while after < 3:  # until the sign-in is done, then a few more
            tab.set_cookie("sf_cart", cookie)  # the cookie from before the sign-in, always
            reply = add(tab, shop.prawns)
            answers.append((reply.status_code, text(reply)))
            after += signed_in.is_set()

    def sign_in_tab() -> None:
        start.wait(10)
        assert sign_in(client).status_code == 302
        signed_in.set()

    threads = [threading.Thread(target=late_tab) for _ in range(ADDERS)]
    threads.append(threading.Thread(target=sign_in_tab))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert signed_in.is_set() and not any(t.is_alive() for t in threads)

    prefix = app.config["REDIS_KEY_PREFIX"]
    assert list(redis_store.client.scan_iter(match=f"{prefix}cart_anon_*")) == []  # no orphan
    added = sum(status == 302 for status, _ in answers)
    refused = [page for status, page in answers if status != 302]
    assert len(refused) >= ADDERS * 2  # at least the adds sent after the sign-in was done
    assert all("moved into your account" in page for page in refused)
    account = redis_store.client.hgetall(redis_keys.cart(user.id))
    assert account == {str(shop.apples): "1", **({str(shop.prawns): str(added)} if added
                                                 else {})}
