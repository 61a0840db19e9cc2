"""For the cluster tests: staff saves through the real admin form, and the skip-or-fail
rule (the HTTP client is devtools/browser.py)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable

import pytest

from devtools.browser import Browser

IN_CI = os.environ.get("CI") == "true"


def require(what: str, error: Exception | str) -> None:
    """Without ip netns, nginx or MariaDB the cluster cannot run: say so loudly, and in CI
    (CI=true) fail, since CI must prove the cluster works."""
    message = f"the cluster tests need {what}: {error}"
    if IN_CI:
        pytest.fail(f"CI must run the cluster tests; {message}")
    pytest.skip(f"!!! {message} !!!")


def save_sku(browser: Browser, sku_id: int, **changes: str) -> float:
    """Through the admin's edit form, as staff would; returns when the save was sent
    (the commit happens after that, and is done when this returns)."""
    from tests.admin.test_admin import form_fields

    path = f"/admin/goodssku/edit/?id={sku_id}"
    status, page = browser.get(path)
    assert status == 200, (path, status)
    posted_at = time.monotonic()
    status, text = browser.request("POST", path, {**form_fields(page), **changes})
    assert status == 302, (status, text[:500])
    return posted_at


def wait_for(condition: Callable[[], bool], seconds: float, what: str) -> float:
    """Seconds until ``condition`` held (polled every 10 ms); fails after ``seconds``."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > seconds:
            raise AssertionError(f"{what}: not within {seconds}s")
        time.sleep(0.01)
    return time.monotonic() - started
