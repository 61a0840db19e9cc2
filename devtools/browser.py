"""A cookie-keeping HTTP client for any address (a cluster node's, its balancer's), for the
cluster's tests and bench."""

from __future__ import annotations

import http.client
import re
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

# a filled-in token, in either quotes (a shared page's is in single quotes: templates/_edge.html)
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value=["\']([^"\'<]+)["\']')


class Browser:
    """Keeps the cookies the server sets and sends them back, like a browser."""

    def __init__(self, base: str, user_agent: str = "storefront-cluster-test") -> None:
        parts = urlsplit(base)
        self.user_agent = user_agent
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.cookies: dict[str, str] = {}
        self.location: str | None = None  # the last answer's redirect, if it was one

    def request(self, method: str, path: str, form: dict[str, str] | None = None,
                timeout: float = 10, headers: dict[str, str] | None = None
                ) -> tuple[int, str]:
        headers = {"User-Agent": self.user_agent, **(headers or {})}
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
            self.location = response.getheader("Location")
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
