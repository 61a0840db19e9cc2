"""Single HTTP requests: a tiny browser that keeps cookies, signs in with a real form post,
and reads the app's ``X-SQL-Queries`` header."""

from __future__ import annotations

import http.client
import re
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode

HOST = "127.0.0.1"
# Flask-Login ties the session to the client's address and User-Agent: wrk sends this one too.
USER_AGENT = "storefront-bench"
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def sql_queries(self) -> int:
        value = self.headers.get("x-sql-queries")
        if value is None:
            raise RuntimeError("no X-SQL-Queries header: is FLASK_SQL_COUNT_HEADER=true set?")
        return int(value)


class Browser:
    """Keeps the cookies the server sets, like a browser would, and sends them back."""

    def __init__(self, port: int, cookies: dict[str, str] | None = None) -> None:
        self.port = port
        self.cookies: dict[str, str] = dict(cookies or {})

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def headers(self) -> dict[str, str]:
        headers = {"User-Agent": USER_AGENT}
        if self.cookies:
            headers["Cookie"] = self.cookie_header()
        return headers

    def request(self, method: str, path: str, form: dict[str, str] | None = None,
                extra: dict[str, str] | None = None) -> Reply:
        headers = {**self.headers(), **(extra or {})}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            for value in response.headers.get_all("Set-Cookie") or []:
                self._keep(value)
            return Reply(response.status, {k.lower(): v for k, v in response.getheaders()},
                         data)
        finally:
            conn.close()

    def get(self, path: str, extra: dict[str, str] | None = None) -> Reply:
        """GET ``path``; ``extra`` headers besides the cookies (Accept-Encoding, ...)."""
        return self.request("GET", path, extra=extra)

    def _keep(self, set_cookie: str) -> None:
        jar: SimpleCookie = SimpleCookie()
        jar.load(set_cookie)
        for name, morsel in jar.items():
            if morsel.value == "" or morsel["max-age"] == "0":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value


def sign_in(port: int, username: str, password: str, warm_paths: list[str]) -> Browser:
    """Sign in through the real form (GET for the CSRF token, then POST), then visit
    ``warm_paths`` once, so the session holds what those pages add (a CSRF token) and a
    replayed cookie costs what a returning browser's does."""
    browser = Browser(port)
    match = CSRF_RE.search(browser.get("/users/login").body.decode())
    if match is None:
        raise RuntimeError("no csrf_token in the login form")
    reply = browser.request("POST", "/users/login", form={
        "username": username, "password": password, "csrf_token": match.group(1)})
    if reply.status != 302 or browser.cookies.get("sf_signed_in") != "1":
        raise RuntimeError(f"sign-in failed: {reply.status} {reply.body[:300]!r}")
    for path in warm_paths:
        expect_ok(browser.get(path), path)
    return browser


def expect_ok(reply: Reply, what: str) -> Reply:
    if reply.status != 200:
        raise RuntimeError(f"{what}: HTTP {reply.status}: {reply.body[:300]!r}")
    return reply
