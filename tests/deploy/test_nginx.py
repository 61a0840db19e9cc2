"""deploy/nginx.conf in front of a real gunicorn (deploy/gunicorn.conf.py): every catalogue
page is a file on disk; anonymous visitors get it as it is, signed-in visitors get it with
their own parts filled in (SSI), and a page without its file, and everything else, comes
from the app.

These run on the "services" backend only: gunicorn is a process of its own and must share the
test's database and Redis, which the embedded backend keeps inside the test process.
"""

from __future__ import annotations

import gzip
import http.client
import http.cookiejar
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from decimal import Decimal
from email.message import Message
from html import unescape
from pathlib import Path

import brotli
import pytest
from flask import Flask

from storefront import redis_keys
from storefront.extensions import db, redis_store
from storefront.models import GoodsSKU
from storefront.services.cart import shopper
from storefront.services.pages import files as page_files
from storefront.services.pages import render as pages
from storefront.services.pages import views_log
from storefront.services.pages.files import write_atomically
from storefront.web.headers import page_headers
from tests import servers
from tests.conftest import CSRF_RE, PASSWORD
from tests.helpers import shown

pytestmark = pytest.mark.parametrize("backend", ["services"], indirect=True)

MARKER = b"<!-- served from disk -->"
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

    def http_only(self, name: str) -> bool:
        return next(c.has_nonstandard_attr("HttpOnly") for c in self.jar if c.name == name)

    def runs_script(self) -> None:
        """What static/js/visitor.js does on the first page it runs on: ``sf_js``."""
        self.jar.set_cookie(http.cookiejar.Cookie(
            0, "sf_js", "1", None, False, servers.HOST, False, False, "/", True, False, None,
            True, None, None, {}))


@dataclass
class Site:
    port: int
    gunicorn: servers.Process
    nginx: servers.Process
    pages: Path
    media: Path
    views_log: Path

    def browser(self) -> Browser:
        return Browser(self.port)


@pytest.fixture
def site(app: Flask, nginx_site) -> Site:
    """nginx on a free port in front of gunicorn serving this test's app (its DB and Redis):
    started once per process (conftest's ``nginx_site``), on a space emptied for this test."""
    assert app.config["STATIC_PAGES_DIR"] == str(nginx_site.pages), "site: services backend only"
    nginx_site.ready()
    nginx_site.media.mkdir(parents=True, exist_ok=True)
    return Site(nginx_site.port, nginx_site.gunicorn, nginx_site.nginx, nginx_site.pages,
                nginx_site.media, nginx_site.views_log)


def publish(folder: Path, html: bytes) -> None:
    """What page_files.write does with a render: the twins first, then the page."""
    folder.mkdir(parents=True, exist_ok=True)
    write_atomically(folder / "index.html.br", brotli.compress(html))
    write_atomically(folder / "index.html.gz", gzip.compress(html, mtime=0))
    write_atomically(folder / "index.html", html)


def publish_marked(key: str = "home") -> bytes:
    """The real page files plus a marker the app never renders: a reply that carries it came
    from a file (as it is, a twin, or filled in by SSI)."""
    assert pages.publish(key)
    path = page_files.path_of(key)
    head, tail = path.read_bytes().rsplit(b"</html>", 1)
    marked = head + MARKER + b"\n</html>" + tail
    write_atomically(path.with_name(path.name + ".br"), brotli.compress(marked))
    write_atomically(path.with_name(path.name + ".gz"), gzip.compress(marked))
    write_atomically(path, marked)
    return marked


def cart_count(page: str) -> int:
    match = re.search(r'id="cart-count"[^>]*>\s*(\d+)\s*<', page)
    assert match, "the header shows no cart count"
    return int(match.group(1))


def csrf_in(page: str) -> str:
    match = CSRF_RE.search(page)
    assert match, "no csrf_token on the page"
    return match.group(1)


def sign_in_through(browser: Browser, username: str = "alice", password: str = PASSWORD):
    form = browser.get("/users/login")
    reply = browser.post("/users/login", {"username": username, "password": password,
                                          "csrf_token": csrf_in(form.text)})
    assert reply.status == 302, reply.text
    assert browser.cookie("sf_signed_in") == "1"


def catalogue(shop) -> dict[str, str]:
    """A page of each kind: its key and its address."""
    return {"home": "/", f"goods:{shop.apples}": f"/goods/{shop.apples}",
            f"list:{shop.fruit}:default:1": f"/list/{shop.fruit}",
            f"list:{shop.fruit}:price:1": f"/list/{shop.fruit}?sort=price",
            f"list:{shop.fruit}:price-desc:1": f"/list/{shop.fruit}?sort=price-desc",
            f"list:{shop.fruit}:sales:1": f"/list/{shop.fruit}?sort=sales"}


def test_anonymous_pages_are_files_from_disk_even_with_the_app_down(site, shop):
    files = {path: publish_marked(key) for key, path in catalogue(shop).items()}
    files["/index"] = files["/"]
    browser = site.browser()
    site.gunicorn.stop()
    assert browser.get("/livez").status == 502  # the app is really gone

    for path, html in files.items():
        reply = browser.get(path)
        assert reply.status == 200, path
        assert reply.body == html
        assert reply.headers["Content-Type"] == "text/html; charset=utf-8"
        assert "Set-Cookie" not in reply.headers
    # the twins as they are on disk (gzip_static, brotli_static), not compressed on the fly
    detail = page_files.path_of(f"goods:{shop.apples}")
    zipped = browser.get(f"/goods/{shop.apples}", Accept_Encoding="gzip")
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert zipped.body == detail.with_name(detail.name + ".gz").read_bytes()
    squeezed = browser.get(f"/goods/{shop.apples}", Accept_Encoding="gzip, br")
    assert squeezed.headers["Content-Encoding"] == "br"
    assert brotli.decompress(squeezed.body) == files[f"/goods/{shop.apples}"]
    head = browser.request("HEAD", "/")
    assert head.status == 200 and head.body == b""
    assert int(head.headers["Content-Length"]) == len(files["/"])


def test_anonymous_pages_send_cache_security_and_revalidation_headers(site, shop):
    for key in catalogue(shop):
        publish_marked(key)
    key_of = {path: key for key, path in catalogue(shop).items()}
    browser = site.browser()
    for path in catalogue(shop).values():
        reply = browser.get(path)
        headers = reply.headers
        assert MARKER in reply.body, path
        for name, value in page_headers().items():
            assert headers[name] == value, name
        assert headers["Cache-Control"] == "public, max-age=0, s-maxage=60"
        assert "all" in headers["Surrogate-Key"].split()
        assert headers["Surrogate-Key"].split()[0] == "page:" + key_of[path]
        assert headers["Server"] == "nginx"  # server_tokens off: no version
        # the CSP allows no inline script: every script on the page is a file
        scripts = re.findall(r"<script\b[^>]*>", reply.text)
        assert scripts and all(" src=" in tag for tag in scripts)
        # max-age=0 means "ask again": the browser's copy is confirmed with a 304
        again = browser.get(path, If_None_Match=headers["ETag"])
        assert again.status == 304 and again.body == b"", path
        since = browser.get(path, If_Modified_Since=headers["Last-Modified"])
        assert since.status == 304, path


def test_signed_in_visitors_get_the_same_file_with_their_own_parts(site, shop, user):
    from storefront.services.accounts import users as accounts

    accounts.create_user("zoe", "zoe@example.com", "another long password")
    redis_store.client.hset(redis_keys.cart(user.id),
                            mapping={str(shop.apples): 2, str(shop.prawns): 1})
    for key in catalogue(shop):
        publish_marked(key)
    alice, zoe = site.browser(), site.browser()
    sign_in_through(alice)
    sign_in_through(zoe, "zoe", "another long password")

    tokens = {}
    for name, browser, count in (("alice", alice, 3), ("zoe", zoe, 0)):
        for path in (*catalogue(shop).values(), "/index"):
            page = browser.get(path)
            assert page.status == 200, path
            assert MARKER in page.body, path  # the page file: Python made only the parts
            assert re.search(rf"Welcome\s*<strong>{name}</strong>", page.text), path
            assert "<!--#" not in page.text and "Sign in</a>" not in page.text
            assert cart_count(page.text) == count
            assert page.headers["Cache-Control"] == "private, no-store"
            assert "ETag" not in page.headers
            # the session's token (each page signs it again, with the second it was made in)
            tokens.setdefault(name, set()).update(
                token.split(".")[0] for token in CSRF_RE.findall(page.text))
    assert len(tokens["alice"]) == len(tokens["zoe"]) == 1
    assert tokens["alice"] != tokens["zoe"]
    buy = alice.get(f"/goods/{shop.apples}").text
    assert 'action="/cart/add"' in buy and "Add to cart" in buy


def test_a_flash_message_shows_once_on_a_page_served_from_its_file(site, shop, user):
    publish_marked(f"goods:{shop.apples}")
    browser = site.browser()
    sign_in_through(browser)
    page = browser.get(f"/goods/{shop.apples}")
    added = browser.post("/cart/add", {"sku_id": str(shop.apples), "count": "2",
                                       "csrf_token": csrf_in(page.text)})
    assert added.status == 302
    shown = browser.get(f"/goods/{shop.apples}")
    assert MARKER in shown.body
    assert "Added 2 × Fuji apples 500g to your cart." in unescape(shown.text)
    assert cart_count(shown.text) == 2
    again = browser.get(f"/goods/{shop.apples}")
    assert "Added 2" not in again.text and cart_count(again.text) == 2


@pytest.mark.parametrize("script", [True, False], ids=["file as it is", "filled by SSI"])
def test_a_product_page_from_its_file_still_goes_into_the_history(site, shop, user, script):
    """nginx logs the view (no Python on the page), whether it sent the file as it is (a
    browser that fills in its own parts) or filled it in; the worker's reader of that log
    puts it into the history (services/pages/views_log.py), here read as the worker's
    thread does."""
    file = publish_marked(f"goods:{shop.prawns}")
    browser = site.browser()
    sign_in_through(browser)
    if script:
        browser.runs_script()
    position = views_log.Position()
    views_log.read_new(str(site.views_log), position)  # the reader is at the log's end
    viewed = time.monotonic()
    page = browser.get(f"/goods/{shop.prawns}")
    assert MARKER in page.body and (page.body == file) == script
    while shopper.history_ids(user.id) != [shop.prawns] and time.monotonic() < viewed + 2:
        views_log.read_new(str(site.views_log), position)
        time.sleep(0.05)
    assert shopper.history_ids(user.id) == [shop.prawns], "not in the history within 2 s"
    assert "Tiger prawns" in browser.get("/users/profile").text


def test_logout_brings_back_the_anonymous_file(site, shop, user):
    html = publish_marked()
    browser = site.browser()
    sign_in_through(browser)
    page = browser.get("/")
    out = browser.post("/users/logout", {"csrf_token": csrf_in(page.text)})
    assert out.status == 302
    assert browser.cookie("sf_signed_in") is None
    assert "You are signed out" in browser.get(out.headers["Location"]).text  # shown there
    after = browser.get("/")
    assert after.body == html and "Welcome" not in shown(after.text)


def test_without_its_file_a_page_comes_from_the_app_for_everyone(site, shop, user):
    anonymous, member = site.browser(), site.browser()
    sign_in_through(member)
    for path in catalogue(shop).values():
        plain = anonymous.get(path, Accept_Encoding="gzip")
        assert plain.status == 200, path
        body = gzip.decompress(plain.body) if plain.headers["Content-Encoding"] else plain.body
        assert b"Fuji apples" in body and MARKER not in body
        assert "Welcome" not in shown(body.decode())  # the signed-in parts: inert
        assert plain.headers["Cache-Control"] == "public, max-age=0, s-maxage=60"
        personal = member.get(path)
        assert personal.status == 200, path
        assert re.search(r"Welcome\s*<strong>alice</strong>", personal.text), path
        assert "<!--#" not in personal.text


def test_a_signed_in_visitor_still_gets_pages_while_the_app_is_down(site, shop, user):
    publish_marked(f"goods:{shop.apples}")
    browser = site.browser()
    sign_in_through(browser)
    site.gunicorn.stop()
    reply = browser.get(f"/goods/{shop.apples}")  # their own page: nginx needs no app for it
    assert reply.status == 200 and MARKER in reply.body
    assert re.search(r"Welcome\s*<strong>alice</strong>", reply.text)
    # a page without its file: the page as anybody sees it rather than an error
    assert browser.get(f"/goods/{shop.prawns}").status in (200, 503)


def test_an_edit_shows_through_nginx_at_once_and_never_before_the_commit(site, shop):
    browser = site.browser()
    for key in catalogue(shop):
        assert pages.publish(key)
    sku = db.session.get(GoodsSKU, shop.apples)
    sku.price = Decimal("7.25")
    db.session.flush()  # flushed, not committed
    for path in catalogue(shop).values():
        assert "7.25" not in browser.get(path).text, path
    db.session.commit()
    for path in catalogue(shop).values():  # no waiting: the very next request is fresh
        reply = browser.get(path, Accept_Encoding="gzip, br")
        body = reply.body
        if reply.headers["Content-Encoding"] == "br":
            body = brotli.decompress(body)
        elif reply.headers["Content-Encoding"] == "gzip":
            body = gzip.decompress(body)
        assert b"7.25" in body and b"9.90</span> / 500g" not in body, path


def test_post_to_the_homepage_is_answered_by_the_app(site, shop):
    publish_marked()  # the file exists, yet a POST must not reach it
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


def test_everything_else_goes_to_the_app(site, shop):
    browser = site.browser()
    missing = browser.get("/goods/not-a-number")
    assert missing.status == 404 and "Back to the homepage" in missing.text
    assert browser.get("/livez").status == 200
    assert "Using worker: gthread" in site.gunicorn.log(100_000)  # deploy/gunicorn.conf.py


def home_from_nginx(port: int, gzipped: bool) -> bytes:
    conn = http.client.HTTPConnection(servers.HOST, port, timeout=10)
    try:
        conn.request("GET", "/", headers={"Accept-Encoding": "gzip" if gzipped else "identity"})
        resp = conn.getresponse()
        body = resp.read()
        assert resp.status == 200, resp.status
        return gzip.decompress(body) if gzipped else body
    finally:
        conn.close()


def test_readers_never_see_a_half_written_page(site, shop):
    """50 publishes of different pages while readers poll the file on disk and through
    nginx (plain and gzip): every read is one whole version."""
    base = pages.home().html
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

    def reader(name: str, read) -> None:
        try:
            while not stop.is_set():
                check(name, read())
        except Exception as exc:  # a broken gzip stream counts as a torn read too
            bad.append(f"{name}: {exc!r}")

    readers = [threading.Thread(target=reader, args=args, daemon=True) for args in (
        ("disk", from_disk), ("nginx", lambda: home_from_nginx(site.port, False)),
        ("nginx-gzip", lambda: home_from_nginx(site.port, True)))]
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


def test_a_form_on_a_page_from_the_app_takes_its_token_through_nginx(site, shop, user):
    """The page has no file: the app renders it with its directives and nginx fills them in
    from the display cookies, so the page's CSRF token is the session's own."""
    browser = site.browser()
    sign_in_through(browser)
    page = browser.get(f"/goods/{shop.apples}")  # no file: the app's render, filled by nginx
    assert MARKER not in page.body
    assert len(page.headers.get_all("Set-Cookie") or []) <= 1  # one session, one token
    added = browser.post("/cart/add", {"sku_id": str(shop.apples), "count": "3",
                                       "csrf_token": csrf_in(page.text)})
    assert added.status == 302, added.text
    assert cart_count(browser.get(f"/goods/{shop.apples}").text) == 3
