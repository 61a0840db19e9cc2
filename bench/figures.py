"""The throughput figures, each measured in turns with its floor. The floor servers idle
while the shop is loaded and the other way round; alternating the two cancels the machine's
drift.

- Anonymous pages through nginx (deploy/nginx.conf: the map to the page's file, try_files,
  the headers) against nginx sending a copy of the same file and its twins from a bare
  location (bench/nginx_floor.conf). Both get the same Accept-Encoding, so both send the
  same bytes (the .br twin for a browser's "gzip, deflate, br"): the ratio is the cost of
  the shop's routing alone. Measured with a browser's header (the target) and without.
- Signed-in pages through nginx for a browser with script (``sf_js``: the page file itself,
  whose parts the browser fills in from its cookies) against the same static floor, with a
  browser's Accept-Encoding; issue 22's target is >= 0.8x the anonymous page of the same run
  (report.py computes it from the two figures).
- Signed-in pages through nginx for a browser without script (the page file, SSI filled
  from the display cookies) and straight to gunicorn, against a bare Flask view returning as
  many bytes from memory (bench/floor_app.py) under the same gunicorn settings. No
  Accept-Encoding: neither side compresses.
- Anonymous visitors with a cart through nginx, without script: the same path as signed-in
  (their cart cookie routes them to SSI), against the same floor.
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass, replace
from typing import Any

from bench import procs, wrk
from bench.client import Browser, Reply, expect_ok, sign_in
from bench.shop import PASSWORD, USERNAME, Catalogue, Shop
from devtools.servers import HOST
from storefront.services.pages import files as page_files
from storefront.services.pages import render as pages

NGINX, GUNICORN = "nginx static file", "Flask bytes from memory"
BROWSER = {"Accept-Encoding": "gzip, deflate, br"}  # what Chromium and Firefox send


@dataclass
class Figure:
    key: str
    label: str
    result: wrk.Result
    size: int  # response body in bytes; the floor returns as many
    floor_kind: str
    target: float | None  # the ratio to the floor it must reach, if any
    load: wrk.Load  # the floor was measured under the same load
    floor: wrk.Result

    @property
    def ratio(self) -> float | None:
        if not self.floor.rps:
            return None
        return self.result.rps / self.floor.rps

    @property
    def met(self) -> bool | None:
        if self.target is None or self.ratio is None:
            return None
        return self.ratio >= self.target and self.result.errors == 0

    def as_dict(self) -> dict[str, Any]:
        return {"label": self.label, **self.result.as_dict(), "bytes": self.size,
                "connections": self.load.connections,
                "floor": self.floor_kind, "floor_rps": self.floor.rps,
                "floor_p50_ms": self.floor.p50_ms, "floor_p99_ms": self.floor.p99_ms,
                "ratio": self.ratio, "target": self.target, "met": self.met}


@dataclass(frozen=True)
class Paths:
    home: str
    detail: str
    listing: str

    @classmethod
    def of(cls, cat: Catalogue) -> Paths:
        return cls(*(pages.url_of(key) for key in cat.keys))

    def named(self) -> list[tuple[str, str]]:
        return [("home", self.home), ("detail", self.detail), ("list", self.listing)]


class Bench:
    def __init__(self, floors: procs.Floors, load: wrk.Load) -> None:
        self.floors, self.load = floors, load

    def figure(self, key: str, label: str, url: str, floor_url: str, size: int,
               floor_kind: str, goal: float | None = None, load: wrk.Load | None = None,
               headers: dict[str, str] | None = None,
               floor_headers: dict[str, str] | None = None) -> Figure:
        load = load or self.load
        result, floor = wrk.compare(url, floor_url, load, headers, floor_headers)
        return Figure(key, label, result, size, floor_kind, goal, load, floor)


def shop_figures(shop: Shop, cat: Catalogue, load: wrk.Load,
                 settings: procs.Gunicorn) -> tuple[list[Figure], Browser]:
    """The warm figures (nginx in front of the shop's gunicorn), then the cold homepage."""
    paths = Paths.of(cat)
    short = replace(load, warmup_s=1, duration_s=max(2, load.duration_s // 2))
    with ExitStack() as floors_stack:
        bench = Bench(procs.floors(floors_stack, shop, settings), load)
        with ExitStack() as stack:
            _, port = procs.gunicorn(stack, shop, "gunicorn-shop", settings)
            nginx_port = procs.shop_nginx(stack, shop, port)
            shopper = sign_in(port, USERNAME, PASSWORD, [paths.home, paths.detail])
            figures = [
                *anonymous(bench, shop, cat, paths, nginx_port, BROWSER, load, 0.95),
                *signed_in_script(bench, shop, cat, paths, nginx_port, shopper),
                *signed_in_nginx(bench, shop, cat, paths, nginx_port, shopper),
                *anonymous_cart_nginx(bench, paths, nginx_port),
                *signed_in_gunicorn(bench, paths, port, shopper),
                *anonymous(bench, shop, cat, paths, nginx_port, {}, short, None),
            ]
        # "The cache cleared before every request": Flask-Caching's NullCache stores
        # nothing, so every request misses and rebuilds the page from MariaDB (what the app
        # does for a page whose file an edit just removed). One connection, so each request
        # is alone with the empty cache: concurrent ones would wait on the rebuild lock for
        # a value NullCache never keeps, timing that wait.
        with ExitStack() as stack:
            _, port = procs.gunicorn(stack, shop, "gunicorn-cold", settings,
                                     FLASK_CACHE_TYPE="NullCache")
            cold = Browser(port, shopper.cookies)
            page = signed_in_page(cold, paths.home)
            figures.append(bench.figure(
                "home_cold", "signed-in / straight to gunicorn, cold (cache cleared)",
                f"http://{HOST}:{port}/", bench.floors.flask(len(page.body)),
                len(page.body), GUNICORN, headers={"Cookie": cold.cookie_header()},
                load=replace(short, threads=1, connections=1)))
    return figures, shopper


def anonymous(bench: Bench, shop: Shop, cat: Catalogue, paths: Paths, port: int,
              encoding: dict[str, str], load: wrk.Load, goal: float | None) -> list[Figure]:
    """Each page's file through deploy/nginx.conf against a copy of it from the floor."""
    how = "br" if encoding else "identity"
    figures = []
    for (name, path), key in zip(paths.named(), cat.keys, strict=True):
        file = shop.static_pages / (page_files.stem(key) + ".html")
        reply = static_page(port, path, encoding)
        floor_url = bench.floors.static(name, file)
        same_response(reply, floor_url, encoding)
        figures.append(bench.figure(
            f"anon_{name}_nginx_{how}",
            f"anonymous {name} through nginx ({how})", f"http://{HOST}:{port}{path}",
            floor_url, len(reply.body), NGINX, goal, load, encoding, encoding))
    return figures


def signed_in_script(bench: Bench, shop: Shop, cat: Catalogue, paths: Paths, port: int,
                     shopper: Browser) -> list[Figure]:
    """Each page through nginx for a signed-in browser with script: the file itself (its
    .br twin), byte for byte what an anonymous visitor gets, against the static floor."""
    visitor = Browser(port, {**shopper.cookies, "sf_js": "1"})
    headers = {**BROWSER, "Cookie": visitor.cookie_header()}
    figures = []
    for (name, path), key in zip(paths.named(), cat.keys, strict=True):
        file = shop.static_pages / (page_files.stem(key) + ".html")
        reply = expect_ok(visitor.get(path, BROWSER), f"signed-in {path} with script")
        anonymous = static_page(port, path, BROWSER)
        if reply.body != anonymous.body or reply.headers.get("content-encoding") != "br":
            raise RuntimeError(f"signed-in {path} with script is not the page file")
        figures.append(bench.figure(
            f"signed_{name}_script", f"signed-in {name} through nginx, with script (br)",
            f"http://{HOST}:{port}{path}", bench.floors.static(name, file), len(reply.body),
            NGINX, headers=headers, floor_headers=BROWSER))
    return figures


def signed_in_nginx(bench: Bench, shop: Shop, cat: Catalogue, paths: Paths, port: int,
                    shopper: Browser) -> list[Figure]:
    """Each page's file through nginx for a browser without script, SSI filled from the
    display cookies."""
    visitor = Browser(port, shopper.cookies)
    figures = []
    for (name, path), key in zip(paths.named(), cat.keys, strict=True):
        html = shop.static_pages / (page_files.stem(key) + ".html")
        if not html.exists():
            raise RuntimeError(f"no {html}: nginx would ask the app for the page")
        size = len(signed_in_page(visitor, path).body)
        figures.append(bench.figure(
            f"signed_{name}_nginx", f"signed-in {name} through nginx, no script (SSI)",
            f"http://{HOST}:{port}{path}", bench.floors.flask(size), size, GUNICORN, 1.0,
            headers={"Cookie": visitor.cookie_header()}))
    return figures


def anonymous_cart_nginx(bench: Bench, paths: Paths, port: int) -> list[Figure]:
    """Each page through nginx for a visitor without script who is not signed in but has a
    cart: the file, SSI filled from the display cookies (storefront/web/visitor.py)."""
    cart = cart_holder(port, paths)
    figures = []
    for name, path in paths.named():
        reply = expect_ok(cart.get(path), f"anonymous {path} with a cart")
        if b'id="cart-count">1<' not in reply.body or b"<!--#" in reply.body:
            raise RuntimeError(f"{path} does not show the anonymous visitor's cart of 1")
        size = len(reply.body)
        figures.append(bench.figure(
            f"anon_cart_{name}_nginx", f"anonymous with a cart, {name} through nginx (SSI)",
            f"http://{HOST}:{port}{path}", bench.floors.flask(size), size, GUNICORN, 1.0,
            headers={"Cookie": cart.cookie_header()}))
    return figures


def cart_holder(port: int, paths: Paths) -> Browser:
    """A visitor who is not signed in, with one item in the cart and the cookies the add set
    (the cart's, its count), the add's message already shown."""
    visitor = Browser(port)
    sku_id = paths.detail.rsplit("/", 1)[1]
    added = visitor.request("POST", "/cart/add", {"sku_id": sku_id, "count": "1"},
                            {"Origin": f"http://{HOST}:{port}"})
    if added.status != 302 or "sf_cart" not in visitor.cookies:
        raise RuntimeError(f"an anonymous add to the cart failed: {added.status}")
    expect_ok(visitor.get("/cart"), "the cart page")
    return visitor


def signed_in_gunicorn(bench: Bench, paths: Paths, port: int,
                       shopper: Browser) -> list[Figure]:
    """The same pages straight from gunicorn (the app fills the parts in itself)."""
    figures = []
    for name, path in paths.named():
        size = len(signed_in_page(shopper, path).body)
        figures.append(bench.figure(
            f"signed_{name}_gunicorn", f"signed-in {name} straight to gunicorn",
            f"http://{HOST}:{port}{path}", bench.floors.flask(size), size, GUNICORN,
            headers={"Cookie": shopper.cookie_header()}))
    return figures


def static_page(port: int, path: str, encoding: dict[str, str]) -> Reply:
    """The anonymous page must come from nginx's file (Accept-Ranges: the static module),
    in the encoding asked for."""
    reply = expect_ok(Browser(port).get(path, encoding), f"anonymous {path} through nginx")
    wanted = "br" if encoding else None
    if ("accept-ranges" not in reply.headers and not encoding) or \
            reply.headers.get("content-encoding") != wanted or \
            "x-sql-queries" in reply.headers:
        raise RuntimeError(f"nginx did not send {path}'s file ({wanted}): {reply.headers}")
    return reply


def same_response(reply: Reply, floor_url: str, encoding: dict[str, str]) -> None:
    """The floor must send the same body and the same header names: only routing differs."""
    port, path = floor_url.rsplit(":", maxsplit=1)[-1].split("/", 1)
    floor = expect_ok(Browser(int(port)).get(f"/{path}", encoding), floor_url)
    names = {name for name in reply.headers if name not in {"etag", "last-modified", "date"}}
    floor_names = {n for n in floor.headers if n not in {"etag", "last-modified", "date"}}
    if floor.body != reply.body or names != floor_names:
        raise RuntimeError(f"the floor's response differs from the shop's: bodies "
                           f"{'equal' if floor.body == reply.body else 'differ'}, headers "
                           f"{sorted(names ^ floor_names)}")


def signed_in_page(browser: Browser, path: str) -> Reply:
    reply = expect_ok(browser.get(path), f"signed-in {path}")
    if USERNAME.encode() not in reply.body:
        raise RuntimeError(f"signed-in {path} does not greet {USERNAME}: the cookie did not work")
    return reply
