"""Search goes by the price shoppers pay now: its price filter, sort and facets follow the
offers, and follow them again when one starts or ends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from storefront.services.offers import manage, schedule
from tests.services.offers.test_offers_schedule import wait_until
from tests.services.search.test_search import found


@pytest.fixture
def app_config(app_config: dict, tmp_path) -> dict:
    """Boundary markers of this test's own: a gunicorn another test of this process left
    running guards the process's shared pages folder, and would take a boundary (and update
    its own search index) before this test's guard call."""
    return {**app_config, "STATIC_PAGES_DIR": str(tmp_path / "own_pages")}


def test_search_sorts_and_filters_by_the_offer_price(client, shop):
    assert found(client, "apples", sort="price") == [shop.apples, shop.apples_big]
    now = datetime.now(UTC)
    manage.create("Big bag", fixed_price="5.00", sku_ids=(shop.apples_big,),
                  starts=(now - timedelta(hours=1)).isoformat(),
                  ends=(now + timedelta(days=1)).isoformat())
    assert found(client, "apples", sort="price") == [shop.apples_big, shop.apples]
    assert found(client, "apples", max_price="6") == [shop.apples_big]


def test_search_prices_change_when_an_offer_starts(client, shop):
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=10)
    manage.create("Flash sale", percent=30, category_id=shop.fruit,
                  starts=starts.isoformat(), ends=(starts + timedelta(hours=1)).isoformat())
    asked = datetime.now(UTC)
    assert found(client, "apples", max_price="8") == []  # 9.90 until the start
    assert asked < starts, "set-up took longer than the offer's lead"
    wait_until(starts)
    schedule.expire_due()  # what the guard thread does in the worker and in gunicorn
    assert found(client, "apples", max_price="8") == [shop.apples]  # 6.93 now
