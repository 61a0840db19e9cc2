"""For the cluster tests and bench: a cookie-keeping HTTP client for any address (a node's,
the balancer's), staff saves through the real admin form, and the skip-or-fail rule."""

from __future__ import annotations

import http.client
import os
import re
import time
from collections.abc import Callable
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

import pytest

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
IN_CI = os.environ.get("CI") == "true"


def require(what: str, error: Exception | str) -> None:
    """Without ip netns, nginx or MariaDB the cluster cannot run: say so loudly, and in CI
    (CI=true) fail, since CI must prove the cluster works."""
    message = f"the cluster tests need {what}: {error}"
    if IN_CI:
        pytest.fail(f"CI must run the cluster tests; {message}")
    pytest.skip(f"!!! {message} !!!")


class Browser:
    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None,
                timeout: float = 10) -> tuple[int, str]:
        headers = {"User-Agent": "storefront-cluster-test"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode(errors="replace")
            for value in response.headers.get_all("Set-Cookie") or []:
                jar: SimpleCookie = SimpleCookie()
                jar.load(value)
                for name, morsel in jar.items():
                    if morsel.value == "" or morsel["max-age"] == "0":
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            return response.status, text
        finally:
            conn.close()

    def get(self, path: str) -> tuple[int, str]:
        return self.request("GET", path)

    def token(self, path: str) -> str:
        match = CSRF_RE.search(self.get(path)[1])
        assert match, f"no csrf_token on {path}"
        return match.group(1)

    def sign_in(self, username: str, password: str) -> None:
        status, text = self.request("POST", "/users/login", {
            "username": username, "password": password, "csrf_token": self.token("/users/login")})
        assert status == 302, (status, text[:500])

    def save_sku(self, sku_id: int, **changes: str) -> float:
        """Through the admin's edit form, as staff would; returns when the save was sent
        (the commit happens after that, and is done when this returns)."""
        from tests.test_admin import form_fields

        path = f"/admin/goodssku/edit/?id={sku_id}"
        status, page = self.get(path)
        assert status == 200, (path, status)
        self.posted_at = time.monotonic()
        status, text = self.request("POST", path, {**form_fields(page), **changes})
        assert status == 302, (status, text[:500])
        return self.posted_at


def wait_for(condition: Callable[[], bool], seconds: float, what: str) -> float:
    """Seconds until ``condition`` held (polled every 10 ms); fails after ``seconds``."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > seconds:
            raise AssertionError(f"{what}: not within {seconds}s")
        time.sleep(0.01)
    return time.monotonic() - started
