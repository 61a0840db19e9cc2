"""deploy/nginx.conf against a hostile client (issue 21, classes 1, 3 and 5): it never names
a file outside the pages folder, drops Hosts the shop does not answer to, and never sends a
request that failed upstream a second time.

Run on the "services" backend only, like tests/deploy/test_nginx.py, whose fixtures these share.
"""

from __future__ import annotations

import http.client
import re
import socket
import socketserver
import struct
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import servers
from tests.conftest import require_service
from tests.deploy import test_nginx
from tests.deploy.test_nginx import Site

pytestmark = pytest.mark.parametrize("backend", ["services"], indirect=True)
site = test_nginx.site  # the same nginx in front of gunicorn

BESIDE = b"<html>PLANTED BESIDE THE PAGES FOLDER</html>"


def odd_spellings(shop) -> list[str]:
    """Addresses of every page kind that nginx's map does not know as a page."""
    g, c = shop.apples, shop.fruit
    return ["/index/", "/index?x=1", "/?", "/?q=1", "/.html", "/index.html", f"/goods/{g}/",
            "/goods/", "/goods/0", f"/goods/0{g}", "/goods/abc", f"/goods/{g}?x", "/goods/-1",
            "/goods/%2e%2e", "/goods/..%2f..%2fstatic_pages", f"/list/{c}/", "/list/",
            f"/list/{c}?sort=bogus", f"/list/{c}?page=0", f"/list/{c}?page=1",
            f"/list/{c}?sort=default", f"/list/{c}?page=2&sort=price", "/list/0",
            f"/list/{c}?sort=price&page=01", "/list/abc", f"/list/{c}?sort=", "/list/..",
            "/goods/%00", "/list/%2e"]


def plant_beside(site: Site) -> list[Path]:
    """Files where an empty page name pointed: <pages folder>.html, .shtml and their twins."""
    planted = []
    for suffix in (".html", ".shtml", ".html.gz", ".html.br"):
        path = site.pages.with_name(site.pages.name + suffix)
        path.write_bytes(BESIDE)
        planted.append(path)
    return planted


def test_no_page_name_reaches_outside_the_pages_folder(site, shop):
    planted = plant_beside(site)
    visitors = {"anonymous": {}, "signed-in marker": {"Cookie": "sf_signed_in=1"},
                "cart cookie": {"Cookie": "sf_cart=whatever"}}
    browser = site.browser()
    try:
        for up in (True, False):  # with the app down, nginx falls back to page files
            if not up:
                site.gunicorn.stop()
            for path in odd_spellings(shop):
                for who, headers in visitors.items():
                    for encoding in ("identity", "gzip, br"):
                        reply = browser.request("GET", path,
                                                headers={**headers,
                                                         "Accept-Encoding": encoding})
                        assert b"PLANTED" not in reply.body, f"{who} {path} (app up: {up})"
    finally:
        for path in planted:
            path.unlink()


def raw_get(port: int, path: str, host: str) -> int | None:
    """The status of GET ``path`` with this Host, or None when the server closes silently."""
    conn = http.client.HTTPConnection(servers.HOST, port, timeout=10)
    try:
        conn.putrequest("GET", path, skip_host=True)
        conn.putheader("Host", host)
        conn.endheaders()
        return conn.getresponse().status
    except (http.client.RemoteDisconnected, ConnectionResetError):
        return None
    finally:
        conn.close()


def test_an_unknown_host_is_dropped_by_nginx(site, shop):
    port = site.port
    for path in ("/admin", "/", f"/goods/{shop.apples}", "/users/login", "/search?q=x"):
        assert raw_get(port, path, "evil.example") is None, path
        assert raw_get(port, path, f"evil.example:{port}") is None, path
    assert raw_get(port, "/admin", f"127.0.0.1:{port}") == 308
    assert raw_get(port, "/", "localhost") == 200


class _Upstream(socketserver.ThreadingTCPServer):
    """A stand-in for gunicorn: ``/ok`` answers and keeps the connection; anything else
    closes it without a word, as a worker that died under the request would."""

    daemon_threads = allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__((servers.HOST, 0), _Handler)
        self.seen: list[str] = []


class _Handler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        while True:
            line = self.rfile.readline()
            if not line:
                return
            length = 0
            while (header := self.rfile.readline()) not in (b"\r\n", b""):
                name, _, value = header.decode("latin-1").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            self.rfile.read(length)
            method, path = line.decode("latin-1").split()[:2]
            self.server.seen.append(f"{method} {path}")
            if not path.startswith("/ok"):
                # reset, as the kernel does for a process that aborted with data unread
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                           struct.pack("ii", 1, 0))
                self.connection.close()
                return
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")


@pytest.fixture
def dying_upstream(tmp_path: Path) -> Iterator[tuple[_Upstream, int]]:
    if servers.nginx_binary() is None:
        require_service("nginx", FileNotFoundError("no nginx binary"))
    upstream = _Upstream()
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    folder = tmp_path / "empty"
    folder.mkdir()
    nginx, port = servers.start_nginx(tmp_path / "servers", {
        "UPSTREAM": f"{servers.HOST}:{upstream.server_address[1]}",
        "STATIC_PAGES_DIR": str(folder), "STATIC_DIR": str(folder), "MEDIA_ROOT": str(folder)})
    try:
        yield upstream, port
    finally:
        nginx.stop()
        upstream.shutdown()
        upstream.server_close()


def test_a_request_that_killed_its_worker_is_not_sent_again(backend, dying_upstream):
    upstream, port = dying_upstream
    for method, path in (("GET", "/crash"), ("POST", "/crash-post")):
        # one client connection, so one nginx worker, which keeps its upstream connection
        conn = http.client.HTTPConnection(servers.HOST, port, timeout=10)
        try:
            conn.request("GET", "/ok")
            assert conn.getresponse().read() == b"ok"
            conn.request(method, path, body=b"a=1" if method == "POST" else None)
            assert conn.getresponse().status == 502
        finally:
            conn.close()
        assert upstream.seen.count(f"{method} {path}") == 1, upstream.seen


def test_hundreds_of_unread_answers_leave_the_visitor_signed_in(site, shop, user):
    browser = site.browser()
    test_nginx.sign_in_through(browser)
    token = test_nginx.csrf_in(browser.get("/cart").text)
    line = {"sku_id": shop.apples, "csrf_token": token}
    assert browser.post("/cart/add", {**line, "count": 1}).status == 302
    for n in range(500):  # each answer flashes a message that is never read
        assert browser.post("/cart/update", {**line, "count": n % 9 + 1}).status == 302
    test_nginx.publish_marked(f"goods:{shop.apples}")
    assert len(browser.cookie("session")) < 2048  # the newest messages only: small
    page = browser.get(f"/goods/{shop.apples}")
    assert page.status == 200 and test_nginx.MARKER in page.body  # the file, filled in
    assert re.search(r"Welcome\s*<strong>alice</strong>", page.text)
    assert test_nginx.csrf_in(page.text)
    # the answers were for the cart page, which the app renders: the newest five are there
    cart = browser.get("/cart").text
    assert cart.count('class="alert alert-') == 5, "the newest messages only"
    assert "Your cart now has 5 × Fuji apples 500g." in cart  # 499 % 9 + 1


def test_no_cookie_is_set_twice_through_the_edge(site, shop, user):
    browser = site.browser()
    test_nginx.sign_in_through(browser)
    token = test_nginx.csrf_in(browser.get("/cart").text)
    page = f"/goods/{shop.apples}"
    for has_file in (False, True):
        if has_file:
            test_nginx.publish_marked(f"goods:{shop.apples}")
        assert browser.post("/cart/add", {"sku_id": shop.apples, "count": 1,
                                          "csrf_token": token}).status == 302
        reply = browser.get(page)  # shows the message: the session cookie changes
        assert reply.status == 200 and "Added 1" in reply.text
        cookies = reply.headers.get_all("Set-Cookie") or []
        names = [c.partition("=")[0] for c in cookies]
        assert names and len(names) == len(set(names)), (has_file, cookies)
