"""The throughput figures, each measured in turns with its floor: a page through nginx's
static path against nginx serving a plain file of the same size (bench/nginx_floor.conf), a
page from gunicorn against a bare Flask view returning as many bytes from memory
(bench/floor_app.py) under the same gunicorn settings. The floor servers idle while the
shop is loaded and the other way round; alternating the two cancels the machine's drift.
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass, replace
from typing import Any

from bench import procs, wrk
from bench.client import Browser, Reply, expect_ok, sign_in
from bench.shop import PASSWORD, USERNAME, Catalogue, Shop
from tests.servers import HOST

NGINX, GUNICORN = "nginx static file", "Flask bytes from memory"


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
        return cls("/", f"/goods/{cat.sku_id}", f"/list/{cat.category_id}")


@dataclass(frozen=True)
class Target:
    """Where a figure's load goes: the shop and the floor of its kind and size."""

    port: int
    path: str
    page: Reply
    floor_kind: str
    browser: Browser | None = None


class Bench:
    def __init__(self, floors: procs.Floors, load: wrk.Load) -> None:
        self.floors, self.load = floors, load

    def figure(self, key: str, label: str, target: Target, goal: float | None = None,
               load: wrk.Load | None = None) -> Figure:
        load = load or self.load
        size = len(target.page.body)
        cookie = target.browser.cookie_header() if target.browser else None
        result, floor = wrk.compare(f"http://{HOST}:{target.port}{target.path}",
                                    self.floors.url(target.floor_kind == NGINX, size), load,
                                    cookie)
        return Figure(key, label, result, size, target.floor_kind, goal, load, floor)


def shop_figures(shop: Shop, cat: Catalogue, load: wrk.Load,
                 settings: procs.Gunicorn) -> tuple[list[Figure], Browser]:
    """The warm figures (nginx in front of the shop's gunicorn), then the cold homepage."""
    paths = Paths.of(cat)
    with ExitStack() as floors_stack:
        bench = Bench(procs.floors(floors_stack, shop, settings), load)
        with ExitStack() as stack:
            _, port = procs.gunicorn(stack, shop, "gunicorn-shop", settings)
            nginx_port = procs.shop_nginx(stack, shop, port)
            shopper = sign_in(port, USERNAME, PASSWORD, [paths.home, paths.detail])
            figures = [
                bench.figure("anon_home_nginx", "anonymous / through nginx", Target(
                    nginx_port, paths.home, static_page(nginx_port), NGINX), 0.9),
                bench.figure("home_warm", "signed-in / (warm cache)", Target(
                    port, paths.home, signed_in_page(shopper, paths.home), GUNICORN,
                    shopper), 0.5),
                bench.figure("detail_warm", "signed-in detail (warm cache)", Target(
                    port, paths.detail, signed_in_page(shopper, paths.detail), GUNICORN,
                    shopper), 0.5),
                bench.figure("list", "category list (anonymous)", Target(
                    port, paths.listing, expect_ok(Browser(port).get(paths.listing),
                                                   paths.listing), GUNICORN)),
            ]
        # "The cache cleared before every request": Flask-Caching's NullCache stores
        # nothing, so every request misses and rebuilds the page data from MariaDB. One
        # connection, so each request is alone with the empty cache: concurrent ones would
        # wait on the rebuild lock for a value NullCache never keeps, timing that wait.
        with ExitStack() as stack:
            _, port = procs.gunicorn(stack, shop, "gunicorn-cold", settings,
                                     FLASK_CACHE_TYPE="NullCache")
            cold = Browser(port, shopper.cookies)
            figures.append(bench.figure(
                "home_cold", "signed-in / (cold: cache cleared)",
                Target(port, paths.home, signed_in_page(cold, paths.home), GUNICORN, cold),
                load=replace(load, threads=1, connections=1)))
    return figures, shopper


def static_page(port: int) -> Reply:
    """The anonymous homepage must come from nginx's static file, not from the app."""
    reply = expect_ok(Browser(port).get("/"), "anonymous / through nginx")
    if "etag" not in reply.headers or "x-sql-queries" in reply.headers:
        raise RuntimeError(f"nginx did not serve the static homepage: {reply.headers}")
    return reply


def signed_in_page(browser: Browser, path: str) -> Reply:
    reply = expect_ok(browser.get(path), f"signed-in {path}")
    if USERNAME.encode() not in reply.body:
        raise RuntimeError(f"signed-in {path} does not greet {USERNAME}: the cookie did not work")
    return reply
