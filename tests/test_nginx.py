"""deploy/nginx.conf in front of a real gunicorn (deploy/gunicorn.conf.py): anonymous visitors
get the static homepage from disk, signed-in visitors and everything else get the app.

These run on the "services" backend only: gunicorn is a process of its own and must share the
test's database and Redis, which the embedded backend keeps inside the test process.
"""

from __future__ import annotations

import gzip
import http.client
import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

import pytest
from flask import Flask

from storefront.extensions import redis_store
from storefront.services import shopper
from storefront.services.static_pages import render_index_html, write_atomically, write_index_html
from tests import servers
from tests.conftest import CSRF_RE, PASSWORD, require_service

pytestmark = pytest.mark.parametrize("backend", ["services"], indirect=True)

MARKER = b"<!-- served from disk -->"
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
NGINX_405 = b"<center>nginx</center>"


@dataclass
class Reply:
    status: int
    headers: Message
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the test looks at the 302 itself


class Browser:
    """Keeps cookies, follows no redirects, never raises on a 4xx/5xx, ignores proxy env."""

    def __init__(self, port: int) -> None:
        self.base = f"http://{servers.HOST}:{port}"
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(self.jar),
            _KeepRedirects())

    def request(self, method: str, path: str, form: dict | None = None,
                headers: dict | None = None) -> Reply:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method,  # noqa: S310
                                     headers=headers or {})
        try:
            with self.opener.open(req, timeout=10) as resp:
                return Reply(resp.status, resp.headers, resp.read())
        except urllib.error.HTTPError as err:
            with err:
                return Reply(err.code, err.headers, err.read())

    def get(self, path: str, **headers: str) -> Reply:
        return self.request("GET", path, headers={k.replace("_", "-"): v
                                                  for k, v in headers.items()})

    def post(self, path: str, form: dict) -> Reply:
        return self.request("POST", path, form=form)

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)


@dataclass
class Site:
    port: int
    gunicorn: servers.Process
    nginx: servers.Process
    pages: Path
    media: Path

    def browser(self) -> Browser:
        return Browser(self.port)


@pytest.fixture
def site(app: Flask, app_config: dict, tmp_path: Path) -> Iterator[Site]:
    """nginx on a free port in front of gunicorn serving this test's app (its DB and Redis)."""
    if servers.nginx_binary() is None:
        require_service("nginx", FileNotFoundError("no nginx binary; apt-get install -y nginx"))
    workdir = tmp_path / "servers"
    pages, media = Path(app_config["STATIC_PAGES_DIR"]), Path(app_config["MEDIA_ROOT"])
    media.mkdir(parents=True, exist_ok=True)
    # inline tasks: nothing this process starts may queue work on the shared Redis
    env = servers.app_environment(app_config, FLASK_CELERY_TASK_ALWAYS_EAGER="true")
    gunicorn, app_port = servers.start_gunicorn(env, workdir)
    try:
        nginx, port = servers.start_nginx(workdir, {
            "UPSTREAM": f"{servers.HOST}:{app_port}",
            "STATIC_PAGES_DIR": str(pages),
            "STATIC_DIR": app.static_folder,
            "MEDIA_ROOT": str(media),
        })
        try:
            yield Site(port, gunicorn, nginx, pages, media)
        finally:
            nginx.stop()
    finally:
        gunicorn.stop()


def publish(folder: Path, html: bytes) -> None:
    """What write_index_html() does with its render: the .gz twin first, then the page."""
    folder.mkdir(parents=True, exist_ok=True)
    write_atomically(folder / "index.html.gz", gzip.compress(html, mtime=0))
    write_atomically(folder / "index.html", html)


def publish_marked_page() -> bytes:
    """The real static homepage plus a marker the app never renders: a reply that carries it
    came from the file."""
    path = write_index_html()
    head, tail = path.read_bytes().rsplit(b"</html>", 1)
    html = head + MARKER + b"\n</html>" + tail
    publish(path.parent, html)
    return html


def cart_count(page: str) -> int:
    match = re.search(r'id="cart-count"[^>]*>\s*(\d+)\s*<', page)
    assert match, "the header shows no cart count"
    return int(match.group(1))


def csrf_in(page: str) -> str:
    match = CSRF_RE.search(page)
    assert match, "no csrf_token on the page"
    return match.group(1)


def test_anonymous_homepage_is_the_file_from_disk_even_with_the_app_down(site, shop):
    html = publish_marked_page()
    browser = site.browser()

    for path in ("/", "/index"):
        reply = browser.get(path)
        assert reply.status == 200
        assert reply.body == html
        assert reply.headers["Content-Type"] == "text/html; charset=utf-8"
    # gzip-accepting clients get the .gz twin as it is on disk (gzip_static, not on the fly)
    zipped = browser.get("/", Accept_Encoding="gzip")
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert zipped.body == (site.pages / "index.html.gz").read_bytes()
    assert gzip.decompress(zipped.body) == html
    head = browser.request("HEAD", "/")
    assert head.status == 200 and head.body == b""
    assert int(head.headers["Content-Length"]) == len(html)

    site.gunicorn.stop()
    assert browser.get("/goods/1").status == 502  # the app is really gone
    assert browser.get("/").body == html


def test_static_homepage_sends_security_and_revalidation_headers(site, shop):
    publish_marked_page()
    browser = site.browser()
    reply = browser.get("/")

    headers = reply.headers
    assert headers["Content-Security-Policy"] == CSP
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["Cache-Control"] == "no-cache"
    assert headers["Server"] == "nginx"  # server_tokens off: no version
    # the CSP allows no inline script: every script on the page is a file
    scripts = re.findall(r"<script\b[^>]*>", reply.text)
    assert scripts and all(" src=" in tag for tag in scripts)
    # no-cache means "ask again": the browser's copy is confirmed with a 304
    again = browser.get("/", If_None_Match=headers["ETag"])
    assert again.status == 304 and again.body == b""


def test_signed_in_user_gets_the_app_and_the_static_page_again_after_logout(
        site, shop, user, app_config):
    redis_store.client.hset(shopper.cart_key(user.id),
                            mapping={str(shop.apples): 2, str(shop.prawns): 1})
    html = publish_marked_page()
    browser = site.browser()
    assert browser.get("/").body == html

    login_form = browser.get("/users/login")
    assert login_form.status == 200
    signed = browser.post("/users/login", {"username": "alice", "password": PASSWORD,
                                           "csrf_token": csrf_in(login_form.text)})
    assert signed.status == 302, signed.text
    assert browser.cookie("sf_signed_in") == "1"

    for path in ("/", "/index"):
        page = browser.get(path)
        assert page.status == 200
        assert MARKER not in page.body
        assert re.search(r"Welcome\s*<strong>alice</strong>", page.text)
        assert cart_count(page.text) == 3

    out = browser.post("/users/logout", {"csrf_token": csrf_in(page.text)})
    assert out.status == 302
    assert browser.cookie("sf_signed_in") is None
    after = browser.get("/")
    assert after.body == html
    assert "Welcome" not in after.text


def test_without_the_static_file_the_app_serves_the_homepage(site, shop):
    browser = site.browser()
    reply = browser.get("/")  # nothing rendered yet: the folder does not even exist
    assert reply.status == 200
    assert "Fuji apples 500g" in reply.text and MARKER not in reply.body

    html = publish_marked_page()
    assert browser.get("/index").body == html
    for name in ("index.html", "index.html.gz"):
        (site.pages / name).unlink()
    for path in ("/", "/index"):
        reply = browser.get(path, Accept_Encoding="gzip")
        assert reply.status == 200
        page = gzip.decompress(reply.body) if reply.headers["Content-Encoding"] else reply.body
        assert b"Fuji apples 500g" in page and MARKER not in page


def test_post_to_the_homepage_is_answered_by_the_app(site, shop):
    publish_marked_page()  # the file exists, yet a POST must not reach it
    browser = site.browser()
    for path in ("/", "/index"):
        reply = browser.post(path, {"q": "1"})
        assert reply.status == 405
        # the shop's own error page, not nginx's "405 Not Allowed" for a POST to a file
        assert "Method Not Allowed" in reply.text and "Back to the homepage" in reply.text
        assert NGINX_405 not in reply.body


def test_static_files_and_media_come_from_nginx_with_long_cache(site, app):
    picture = site.media / "goods" / "apples.jpg"
    picture.parent.mkdir(parents=True)
    picture.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    css = Path(app.static_folder, "css", "shop.css").read_bytes()
    site.gunicorn.stop()  # whatever answers now is nginx
    browser = site.browser()

    for path, body, ctype in (("/static/css/shop.css", css, "text/css"),
                              ("/media/goods/apples.jpg", picture.read_bytes(), "image/jpeg")):
        reply = browser.get(path)
        assert reply.status == 200, path
        assert reply.body == body
        assert reply.headers["Content-Type"].startswith(ctype)
        assert reply.headers["Cache-Control"] == "max-age=2592000"  # 30 days
        assert reply.headers["Expires"]
        assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in browser.get("/media/goods/apples.jpg").headers["Content-Security-Policy"]
    for folder in ("/static/", "/static/css/", "/media/", "/media/goods/"):
        assert browser.get(folder).status == 403, folder  # no directory listing
    assert browser.get("/media/goods/missing.jpg").status == 404


def test_detail_pages_and_everything_else_go_to_the_app(site, shop):
    browser = site.browser()
    detail = browser.get(f"/goods/{shop.apples}")
    assert detail.status == 200
    assert "Fuji apples 500g" in detail.text and "Sweet and crunchy!" in detail.text
    missing = browser.get("/goods/not-a-number")
    assert missing.status == 404 and "Back to the homepage" in missing.text
    assert browser.get("/livez").status == 200
    assert "Using worker: gthread" in site.gunicorn.log(100_000)  # deploy/gunicorn.conf.py


def test_readers_never_see_a_half_written_page(site, shop):
    """50 publishes of different pages while readers poll the file on disk and through
    nginx (plain and gzip): every read is one whole version."""
    base = render_index_html()
    # ~0.5 MB and of different lengths, so a torn or mixed page cannot pass for a whole one
    versions = [base.replace("</html>", f"<!-- version {i} {'x' * (500_000 + 997 * i)} -->"
                                        "\n</html>").encode() for i in range(51)]
    whole = set(versions)
    publish(site.pages, versions[0])
    stop = threading.Event()
    reads: dict[str, int] = {}
    bad: list[str] = []

    def check(name: str, body: bytes) -> None:
        if not body.rstrip().endswith(b"</html>") or body not in whole:
            bad.append(f"{name}: {len(body)} bytes, ends {body[-30:]!r}")
        reads[name] = reads.get(name, 0) + 1

    def from_disk() -> bytes:
        return (site.pages / "index.html").read_bytes()

    def from_nginx(gzipped: bool) -> bytes:
        conn = http.client.HTTPConnection(servers.HOST, site.port, timeout=10)
        try:
            conn.request("GET", "/", headers={"Accept-Encoding": "gzip" if gzipped else "identity"})
            resp = conn.getresponse()
            body = resp.read()
            assert resp.status == 200, resp.status
            return gzip.decompress(body) if gzipped else body
        finally:
            conn.close()

    def reader(name: str, read) -> None:
        try:
            while not stop.is_set():
                check(name, read())
        except Exception as exc:  # a broken gzip stream counts as a torn read too
            bad.append(f"{name}: {exc!r}")

    readers = [threading.Thread(target=reader, args=args, daemon=True) for args in (
        ("disk", from_disk), ("nginx", lambda: from_nginx(False)),
        ("nginx-gzip", lambda: from_nginx(True)))]
    for thread in readers:
        thread.start()
    try:
        site.nginx.wait_until(lambda: len(reads) == len(readers) or bool(bad), 10,
                              "a first read by every reader")
        for html in versions[1:]:
            publish(site.pages, html)
    finally:
        stop.set()
        for thread in readers:
            thread.join(15)
    assert not any(thread.is_alive() for thread in readers)
    assert not bad, bad[:5]
    assert all(count >= 10 for count in reads.values()), reads  # they really overlapped
    assert (site.pages / "index.html").read_bytes() == versions[-1]
