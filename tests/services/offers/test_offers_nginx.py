"""On time through nginx: a page file shows an offer's price within a second of its start
and the normal price again within a second of its end, for the homepage, a product page and
a list page, with no worker at all (gunicorn's guard keeps the boundaries) and with a real
Celery worker killed across the start.

Services backend only (gunicorn and the worker are processes of their own).
"""

from __future__ import annotations

import signal
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from storefront.services.offers import manage
from storefront.services.pages import render as pages
from tests import servers
from tests.deploy.test_nginx import MARKER, publish_marked, site  # noqa: F401  (site: the fixture)

pytestmark = pytest.mark.parametrize("backend", ["services"], indirect=True)

NORMAL, OFFER = "9.90", "6.93"  # Fuji apples 500g, and with 30 % off ("was $9.90")


def shows(page: str, price: str) -> bool:
    """The apples at ``price``: the offer price, or the normal one with no offer price."""
    return OFFER in page if price == OFFER else NORMAL in page and OFFER not in page
LEAD_SECONDS = 6  # the offer starts this long after the test sets it up


def pages_of(shop) -> dict[str, str]:
    return {"home": "/", f"goods:{shop.apples}": f"/goods/{shop.apples}",
            f"list:{shop.fruit}:default:1": f"/list/{shop.fruit}"}


def seconds_until_all_show(browser, paths, wanted: str, boundary: datetime) -> float:
    """How long after ``boundary`` every page first showed ``wanted`` (polled every 50 ms,
    for at most 5 s after it)."""
    deadline = boundary.timestamp() + 5

    def first_seen(path: str) -> float | None:
        # one poller per page: a slow render of one must not delay the look at another
        while time.time() < deadline:
            asked = time.time()  # the moment the request left: what the page was then
            if shows(browser.get(path).text, wanted):
                return asked - boundary.timestamp()
            time.sleep(0.05)
        return None

    with ThreadPoolExecutor(len(paths)) as pool:
        seen = dict(zip(paths, pool.map(first_seen, paths), strict=True))
    assert None not in seen.values(), f"not all showing {wanted} 5 s later: {seen}"
    print(f"{wanted} shown after the boundary: {seen}")
    return max(seen.values())


def wait_until(moment: datetime) -> None:
    while datetime.now(UTC) < moment:
        time.sleep(min(0.05, max(0.0, (moment - datetime.now(UTC)).total_seconds())))


def flash_sale(shop) -> tuple[datetime, datetime]:
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=LEAD_SECONDS)
    ends = starts + timedelta(seconds=4)
    manage.create("Flash sale", percent=30, category_id=shop.fruit, starts=starts.isoformat(),
                  ends=ends.isoformat())
    return starts, ends


def files_show(at, shop, wanted: str) -> None:
    """The worker's files, marked, and nginx sending them (not the app)."""
    browser = at.browser()
    for key, path in pages_of(shop).items():
        publish_marked(key)
        reply = browser.get(path)
        assert MARKER in reply.body and shows(reply.text, wanted), path


def test_page_files_follow_an_offer_in_and_out_within_a_second(site, shop):  # noqa: F811
    starts, ends = flash_sale(shop)
    files_show(site, shop, NORMAL)
    assert datetime.now(UTC) < starts, "set-up took longer than the offer's lead"
    browser = site.browser()

    wait_until(starts)
    assert seconds_until_all_show(browser, list(pages_of(shop).values()), OFFER, starts) <= 1.0

    files_show(site, shop, OFFER)  # the worker wrote them again, at the offer price
    wait_until(ends)
    assert seconds_until_all_show(browser, list(pages_of(shop).values()), NORMAL, ends) <= 1.0


def test_the_start_is_kept_with_the_worker_killed_across_it(site, shop, app_config,  # noqa: F811
                                                            tmp_path):
    env = servers.app_environment(app_config)
    worker = servers.start_worker(env, tmp_path / "worker", queue=f"offers-{uuid.uuid4().hex}")
    try:
        starts, _ = flash_sale(shop)
        files_show(site, shop, NORMAL)
        worker._signal_group(worker.popen.pid, signal.SIGKILL)  # no warm shutdown: killed
        worker.popen.wait(10)
        browser = site.browser()
        wait_until(starts)
        assert seconds_until_all_show(browser, list(pages_of(shop).values()), OFFER, starts) <= 1.0
        # and the page the app sends without a file is the one it caches: no old copy left
        assert OFFER in pages.detail(shop.apples).html
    finally:
        worker.stop()
