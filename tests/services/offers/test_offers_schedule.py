"""A page file never outlives a price boundary (services/offers/schedule.py): it goes at the
moment an offer on it starts or ends, whoever else is down, and staff moving an offer's
times move the moment."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta

import pytest

from storefront.extensions import db
from storefront.models import Offer
from storefront.services.offers import manage, schedule
from storefront.services.pages import files as page_files
from storefront.services.pages import render as pages
from tests.admin.test_admin import submit
from tests.conftest import sign_in
from tests.helpers import text
from tests.servers import HOST
from tests.services.pages.test_purge import cdn  # noqa: F401  (the fixture)


@pytest.fixture
def app_config(app_config: dict, request: pytest.FixtureRequest, tmp_path) -> dict:
    """Page files and boundary markers of this test's own: a server another test of this
    process left running (test_nginx's gunicorn) guards the process's shared pages folder,
    and would expire these boundaries before the test's own guard call."""
    config = {**app_config, "STATIC_PAGES_DIR": str(tmp_path / "own_pages")}
    if "cdn" in request.fixturenames:  # a CDN in front, its purge endpoint recording
        port = request.getfixturevalue("cdn").server_address[1]
        config.update(PAGES_CDN_PURGE_URL=f"http://{HOST}:{port}/purge")
    return config


def soon(seconds: int) -> datetime:
    return datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=seconds)


def sale(shop, starts: datetime) -> Offer:
    return manage.create("Flash sale", percent=30, category_id=shop.fruit,
                         starts=starts.isoformat(), ends=(starts + timedelta(hours=1)).isoformat())


def wait_until(moment: datetime) -> None:
    deadline = time.monotonic() + 30
    while datetime.now(UTC) < moment and time.monotonic() < deadline:
        time.sleep(0.05)


def file_of(key: str) -> str | None:
    path = page_files.path_of(key)
    return path.read_text() if path.exists() else None


def test_a_page_file_goes_at_its_boundary_and_comes_back_at_the_new_price(app, shop):
    key = f"goods:{shop.apples}"
    starts = soon(8)
    sale(shop, starts)
    assert pages.publish(key)
    assert datetime.now(UTC) < starts, "set-up took longer than the offer's lead"
    assert "6.93" not in file_of(key) and schedule.next_boundary() == starts.timestamp()
    assert schedule.expire_due() == set()  # not yet: the file stays
    assert file_of(key) is not None
    wait_until(starts)
    assert key in schedule.expire_due()
    # the worker (inline here) wrote it again, at the offer price, guarded to the offer's end
    assert "6.93" in file_of(key)
    # at the offer's end at the latest (the shop's midnight first: "Ends today" is said)
    assert starts.timestamp() < schedule.next_boundary() <= (
        starts + timedelta(hours=1)).timestamp()


def test_staff_moving_an_offers_start_moves_the_files_boundary(app, shop):
    key = f"list:{shop.fruit}:price:1"
    offer = sale(shop, soon(24 * 3600))
    assert pages.publish(key)
    moved_to = soon(6)
    manage.record(db.session, offer)
    offer.starts_at = moved_to
    db.session.commit()  # the edit's own pages go with the commit, and come back guarded
    assert schedule.next_boundary() == moved_to.timestamp()
    wait_until(moved_to)
    schedule.expire_due()
    assert "6.93" in file_of(key)


def test_staff_moving_an_offers_times_in_the_admin_moves_the_boundary(app, client, staff,
                                                                      shop):
    key = f"goods:{shop.apples}"
    offer = sale(shop, soon(24 * 3600))
    assert pages.publish(key)
    assert schedule.next_boundary() == offer.starts_at.timestamp()
    assert sign_in(client, "sam").status_code == 302
    now = datetime.now(UTC).replace(second=0, microsecond=0)  # the form says minutes
    ends = now + timedelta(hours=2)
    response = submit(client, f"/admin/offer/edit/?id={offer.id}", {
        "starts_at": f"{now:%Y-%m-%dT%H:%M}", "ends_at": f"{ends:%Y-%m-%dT%H:%M}"})
    assert response.status_code == 302, text(response)
    # running now: the page's file went with the commit and came back at the offer price
    assert "6.93" in file_of(key) and "6.93" in text(client.get(f"/goods/{shop.apples}"))
    # ... guarded to the new end at the latest (the shop's midnight may come first)
    assert time.time() < schedule.next_boundary() <= ends.timestamp()


def test_saving_an_offer_in_the_admin_keeps_the_seconds_of_its_times(app, client, staff,
                                                                     shop):
    """The form shows minutes only when the times have no seconds (the demo's offer that
    starts a minute after the seed has them): renaming it must not move its start."""
    offer = sale(shop, soon(24 * 3600) + timedelta(seconds=17))
    starts = offer.starts_at
    assert sign_in(client, "sam").status_code == 302
    form = text(client.get(f"/admin/offer/edit/?id={offer.id}"))
    assert re.search(r'<input[^>]*id="starts_at"[^>]*step="1"', form) or re.search(
        r'<input[^>]*step="1"[^>]*id="starts_at"', form), "a browser would refuse the seconds"
    response = submit(client, f"/admin/offer/edit/?id={offer.id}", {"name": "Renamed"})
    assert response.status_code == 302, text(response)
    db.session.rollback()
    assert db.session.get(Offer, offer.id).starts_at == starts


@pytest.mark.parametrize("backend", ["services"], indirect=True)
def test_a_boundary_passing_while_redis_is_down_leaves_no_page_at_the_old_price(
        own_redis, app, client, shop):
    key = f"goods:{shop.apples}"
    starts = soon(8)
    sale(shop, starts)
    assert pages.publish(key)  # its file, and its entry in Redis
    assert datetime.now(UTC) < starts, "set-up took longer than the offer's lead"
    own_redis.stop()
    wait_until(starts)
    assert key in schedule.expire_due()  # no Redis needed to drop the file
    assert file_of(key) is None
    assert "6.93" in client.get(f"/goods/{shop.apples}").get_data(as_text=True)
    own_redis.start()
    assert "6.93" in client.get(f"/goods/{shop.apples}").get_data(as_text=True)


@pytest.mark.parametrize("backend", ["embedded"], indirect=True)
def test_a_cdn_in_front_is_purged_at_the_boundary_itself(cdn, app, shop):  # noqa: F811
    """nginx tells a CDN one s-maxage for every file (a file cannot say when its prices
    change), so the CDN's copy of each page goes by purge when the boundary passes."""
    key = f"goods:{shop.apples}"
    starts = soon(6)
    sale(shop, starts)
    assert pages.publish(key)
    assert schedule.expire_due() == set()
    cdn.purges.clear()  # the offer's own commit purged what it made stale
    wait_until(starts)
    assert key in schedule.expire_due()
    purged = {k for _, keys, _ in cdn.purges for k in keys.split()}
    assert f"page:{key}" in purged, cdn.purges
