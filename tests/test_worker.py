"""A real Celery worker on the real Redis broker renders the static homepage after staff
edits: never from the rows before the commit, and a burst of saves costs a handful of
renders whose last one shows the last save."""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path

import pytest

from storefront import freshness
from storefront.extensions import db
from storefront.models import GoodsSKU
from storefront.services.static_pages import write_index_html
from tests import servers

pytestmark = pytest.mark.parametrize("backend", ["services"], indirect=True)


@pytest.fixture
def app_config(app_config):
    """Tasks go through the broker to the worker, in a queue of this test's own."""
    return {**app_config, "CELERY_TASK_ALWAYS_EAGER": False,
            "CELERY_QUEUE": app_config["REDIS_KEY_PREFIX"] + "celery"}


@pytest.fixture
def worker(app_config, tmp_path):
    """The worker's log: a real worker consuming this test's queue."""
    proc = servers.start_worker(servers.app_environment(app_config), tmp_path,
                                queue=app_config["CELERY_QUEUE"])
    try:
        yield proc.log_path
    finally:
        proc.stop()


def wait_for(condition, seconds: float, what: str, log: Path | None = None) -> float:
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if condition():
            return time.monotonic() - start
        time.sleep(0.01)
    detail = log.read_text()[-3000:] if log else ""
    raise AssertionError(f"timed out waiting for {what}\n{detail}")


def renders(log: Path) -> int:
    return log.read_text().count("static homepage written")


def set_price(sku_id: int, price: str) -> None:
    sku = db.session.get(GoodsSKU, sku_id)
    sku.price = Decimal(price)
    freshness.record_edit(db.session, sku)


def test_the_worker_never_renders_the_rows_before_the_commit(app, shop, worker):
    page = Path(app.config["STATIC_PAGES_DIR"]) / "index.html"
    write_index_html()
    before = page.stat().st_ino

    set_price(shop.apples, "7.25")
    time.sleep(1.5)  # the edit is flushed but not committed: a worker now would read 9.90
    assert page.stat().st_ino == before and renders(worker) == 0
    db.session.commit()
    seconds = wait_for(lambda: "7.25" in page.read_text(), 10, "the new price", worker)
    print(f"\ncommit to fresh static page: {seconds * 1000:.0f} ms")
    assert "9.90" not in page.read_text().split("Fuji apples 500g")[1][:400]


def test_a_burst_of_50_saves_coalesces_into_a_few_renders(app, shop, worker):
    page = Path(app.config["STATIC_PAGES_DIR"]) / "index.html"
    for n in range(50):
        set_price(shop.apples, f"{10 + n}.50")
        db.session.commit()
        time.sleep(0.04)
    wait_for(lambda: "59.50" in page.read_text(), 10, "the last save's price", worker)
    time.sleep(1)  # let any render still queued finish
    count = renders(worker)
    print(f"\nrenders for a burst of 50 saves: {count}")
    assert 1 <= count <= 15
    assert "59.50" in page.read_text()
