"""Orders through nginx, with gunicorn and a real Celery worker: what checkout sustains, and
what an order storm does to the page files.

Buyers are signed-in shoppers over HTTP (devtools/shoppers.py, as in the cluster test), each
with an address; an order is what a browser does: one SKU into the cart, the checkout page
(its one-time token), the post. A refused line leaves the cart, so each order is one line.

1. Orders per second: 16 buyers on 10 SKUs of 30 units each, as fast as they go, at most
   40 attempts each and 30 s: orders placed per second (until the last one), p50 / p99 of
   the checkout post, refusals once SKUs sell out, 5xx; then, per SKU, the units in orders
   against the stock taken. Oversold: units in orders beyond the stock (must be 0).
2. Order storm: 20 orders/s for 60 s (tickets at a steady pace, taken by the same buyers;
   the SKUs restocked so their band stays "In stock") beside anonymous page traffic through
   nginx (the homepage, the 10 SKUs' pages and their category lists; 4 visitors at 50
   requests/s each). Counted: the pages the worker wrote in that minute, and the share of
   anonymous page requests that nginx sent from files (its access log: no upstream time),
   target >= 95 %.
"""

from __future__ import annotations

import http.client
import queue
import random
import re
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import func, select, update

from bench import procs
from bench.saves import percentile, renders
from bench.shop import Catalogue, Shop
from devtools.servers import HOST
from devtools.shoppers import NoCheckout, Shopper
from storefront.extensions import db
from storefront.models import DeliverySlot, GoodsSKU, OrderGoods, OrderInfo
from storefront.services.accounts import users as accounts
from storefront.services.orders import slots
from storefront.services.pages import render as pages
from storefront.services.pages import renders as render_queue

BUYERS, SKUS, STOCK, ATTEMPTS, RUSH_S = 16, 10, 30, 40, 30.0
STORM_RATE, STORM_S, VISITORS, VISITOR_RATE = 20, 60, 4, 50
FILES_TARGET = 0.95
PASSWORD = "bench-buyer-password"  # noqa: S105  (throwaway accounts of the bench's database)
ANONYMOUS_UA = "storefront-bench-anonymous"
LOG_LINE = re.compile(r'"GET (\S+) [^"]*" (\d{3}) \d+ \S+ (\S+) "[^"]*" "([^"]*)"$')


@dataclass(frozen=True)
class Attempt:
    placed: bool
    status: int  # the checkout post's (0: refused before it, at the cart or the page)
    post_s: float  # the checkout post alone
    ended: float  # perf_counter when it was answered


def measure(shop: Shop, app: Flask, cat: Catalogue, settings: procs.Gunicorn) -> dict[str, Any]:
    with ExitStack() as stack, app.app_context():
        # sign-ins: 16 buyers from one address are more than a shop lets one address do
        _, port = procs.gunicorn(stack, shop, "gunicorn-orders", settings,
                                 FLASK_LOGIN_LIMIT_PER_ADDRESS="1000 per 10 minutes")
        nginx_port = procs.shop_nginx(stack, shop, port)
        worker = procs.worker(stack, shop)
        skus = _prepare()
        base = f"http://{HOST}:{nginx_port}"
        buyers = [_buyer(base, n) for n in range(BUYERS)]
        rush = _rush(buyers, skus)
        access_log = shop.workdir / "nginx-shop" / "nginx" / "logs" / "access.log"
        storm = _storm(buyers, skus, nginx_port, access_log, worker.log_path)
    return {"rush": rush, "storm": storm}


def _prepare() -> list[int]:
    """Slots for a week with room for every order, and the 10 SKUs (on sale, each alone
    above the minimum order) at 30 units."""
    slots.generate(7)
    db.session.execute(update(DeliverySlot).values(capacity=1_000_000))
    rows = db.session.scalars(select(GoodsSKU).where(GoodsSKU.on_sale, GoodsSKU.price >= 15)
                              .order_by(GoodsSKU.id).limit(SKUS)).all()
    _restock(rows, STOCK)
    return [sku.id for sku in rows]


def _restock(rows: list[GoodsSKU], stock: int) -> None:
    for sku in rows:
        sku.stock = stock
    db.session.commit()


def _buyer(base: str, n: int) -> Shopper:
    name = f"buyer{n}"
    accounts.create_user(name, f"{name}@example.com", PASSWORD)
    shopper = Shopper(base, name, PASSWORD, user_agent="storefront-bench-buyer")
    shopper.add_address()
    return shopper


def _attempt(buyer: Shopper, sku: int) -> Attempt:
    if buyer.add(sku) != 302:  # sold out: the cart says so
        return Attempt(False, 0, 0.0, time.perf_counter())
    try:
        form = buyer.checkout_form(any_slot=True)
    except NoCheckout:
        buyer.remove(sku)
        return Attempt(False, 0, 0.0, time.perf_counter())
    posted = time.perf_counter()
    placed = buyer.place(form)
    ended = time.perf_counter()
    if placed.order_no is None:
        buyer.remove(sku)
    return Attempt(placed.order_no is not None, placed.status, ended - posted, ended)


def _rush(buyers: list[Shopper], skus: list[int]) -> dict[str, Any]:
    started = time.perf_counter()
    ordered_before = _units_ordered(skus)

    def run(buyer: Shopper) -> list[Attempt]:
        pick = random.Random(buyer.username)  # noqa: S311  (which SKU, not a secret)
        return [_attempt(buyer, pick.choice(skus)) for _ in range(ATTEMPTS)
                if time.perf_counter() < started + RUSH_S]

    with ThreadPoolExecutor(len(buyers)) as pool:
        attempts = [a for done in pool.map(run, buyers) for a in done]
    db.session.rollback()  # what the buyers' requests committed
    left = dict(db.session.execute(select(GoodsSKU.id, GoodsSKU.stock)
                                   .where(GoodsSKU.id.in_(skus))).all())
    sold = {k: v - ordered_before.get(k, 0) for k, v in _units_ordered(skus).items()}
    oversold = sum(max(0, sold.get(k, 0) - STOCK) for k in skus)
    consistent = all(sold.get(k, 0) == STOCK - left[k] and left[k] >= 0 for k in skus)
    return {**_summary(attempts, started), "buyers": len(buyers), "skus": len(skus),
            "stock_each": STOCK, "units_sold": sum(sold.values()), "oversold": oversold,
            "stock_matches_orders": consistent, "min_stock_left": min(left.values())}


def _units_ordered(skus: list[int]) -> dict[int, int]:
    return {k: int(v) for k, v in db.session.execute(
        select(OrderGoods.sku_id, func.sum(OrderGoods.count)).join(OrderGoods.order)
        .where(OrderGoods.sku_id.in_(skus), OrderInfo.checkout_token.is_not(None))
        .group_by(OrderGoods.sku_id)).all()}


def _summary(attempts: list[Attempt], started: float) -> dict[str, Any]:
    placed = [a for a in attempts if a.placed]
    posts = [a.post_s for a in attempts if a.status]
    last = max((a.ended for a in placed), default=started)
    return {"attempts": len(attempts), "placed": len(placed),
            "refused": len(attempts) - len(placed) - sum(a.status >= 500 for a in attempts),
            "errors_5xx": sum(a.status >= 500 for a in attempts),
            "orders_per_s": len(placed) / (last - started) if placed else 0.0,
            "post_p50_ms": statistics.median(posts) * 1000 if posts else None,
            "post_p99_ms": percentile(posts, 99) * 1000 if posts else None}


def _storm(buyers: list[Shopper], skus: list[int], nginx_port: int, access_log: Path,
           worker_log: Path) -> dict[str, Any]:
    rows = db.session.scalars(select(GoodsSKU).where(GoodsSKU.id.in_(skus))).all()
    _restock(rows, 1_000_000)  # their band stays "In stock" through the storm
    keys = ["home", *(f"goods:{k}" for k in skus),
            *sorted({f"list:{sku.category_id}:default:1" for sku in rows})]
    time.sleep(render_queue.COALESCE_SECONDS + 2)  # the restock's renders are done
    for key in keys:  # every page has its file when the storm starts
        pages.publish(key)
    paths = [pages.url_of(key) for key in keys]
    log_from, renders_before = access_log.stat().st_size, renders(worker_log)
    stop = threading.Event()
    visitors = [threading.Thread(target=_visit, args=(nginx_port, paths[n:] + paths[:n], stop),
                                 daemon=True) for n in range(VISITORS)]
    for visitor in visitors:
        visitor.start()
    started = time.perf_counter()
    attempts = _paced(buyers, skus, started)
    elapsed = time.perf_counter() - started
    stop.set()
    for visitor in visitors:
        visitor.join(10)
    time.sleep(render_queue.COALESCE_SECONDS + 0.5)  # a render the storm queued shows up
    after = renders(worker_log)
    written = sum(after.values()) - sum(renders_before.values())
    return {**_summary(attempts, started), "seconds": elapsed, "rate_asked": STORM_RATE,
            "renders": written, "renders_per_min": written * 60 / elapsed,
            **_served_from_files(access_log, log_from)}


def _paced(buyers: list[Shopper], skus: list[int], started: float) -> list[Attempt]:
    """``STORM_RATE`` tickets a second for ``STORM_S`` seconds; a free buyer takes each (a
    ticket waits while all are busy: the rate reached is what is reported)."""
    free: queue.Queue[Shopper] = queue.Queue()
    for buyer in buyers:
        free.put(buyer)
    pick = random.Random(0)  # noqa: S311

    def order(buyer: Shopper, sku: int) -> Attempt:
        try:
            return _attempt(buyer, sku)
        finally:
            free.put(buyer)

    futures = []
    with ThreadPoolExecutor(len(buyers)) as pool:
        for n in range(STORM_RATE * STORM_S):
            time.sleep(max(0.0, started + n / STORM_RATE - time.perf_counter()))
            futures.append(pool.submit(order, free.get(), pick.choice(skus)))
    return [f.result() for f in futures]


def _visit(port: int, paths: list[str], stop: threading.Event) -> None:
    """One anonymous visitor on a kept-alive connection, ``VISITOR_RATE`` pages a second."""
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    headers = {"User-Agent": ANONYMOUS_UA, "Accept-Encoding": "gzip, deflate, br"}
    try:
        for n in range(STORM_S * VISITOR_RATE * 2):  # bounded: twice the storm's length
            if stop.is_set():
                return
            try:
                conn.request("GET", paths[n % len(paths)], headers=headers)
                conn.getresponse().read()
            except (OSError, http.client.HTTPException):
                conn.close()
            time.sleep(1 / VISITOR_RATE)
    finally:
        conn.close()


def _served_from_files(access_log: Path, offset: int) -> dict[str, Any]:
    """The anonymous visitors' requests in nginx's log since ``offset``: how many were sent
    from a file (no upstream: ``$upstream_response_time`` is "-") and how many failed."""
    with access_log.open("rb") as log:
        log.seek(offset)
        lines = log.read().decode(errors="replace").splitlines()
    seen = [m for m in map(LOG_LINE.search, lines) if m and m.group(4) == ANONYMOUS_UA]
    from_files = sum(1 for m in seen if m.group(3) == "-" and m.group(2) == "200")
    return {"page_requests": len(seen), "from_files": from_files,
            "page_errors": sum(1 for m in seen if m.group(2) != "200"),
            "files_share": from_files / len(seen) if seen else None,
            "files_met": bool(seen) and from_files / len(seen) >= FILES_TARGET}


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def line(result: dict[str, Any]) -> str:
    rush, storm = result["rush"], result["storm"]
    share = storm["files_share"]
    matches = "yes" if rush["stock_matches_orders"] else "NO"
    return (f"Orders ({rush['buyers']} buyers on {rush['skus']} SKUs of {rush['stock_each']} "
            f"through nginx, cart + checkout page + post each): {rush['orders_per_s']:.1f} "
            f"orders/s, checkout post p50 {_ms(rush['post_p50_ms'])} ms, p99 "
            f"{_ms(rush['post_p99_ms'])} ms; {rush['placed']} placed, {rush['refused']} "
            f"refused, {rush['errors_5xx']} 5xx; {rush['units_sold']} units sold, oversold "
            f"{rush['oversold']}, stock = orders: {matches}. "
            f"Order storm ({storm['rate_asked']}/s for {storm['seconds']:.0f} s: "
            f"{storm['placed'] / storm['seconds']:.1f} orders/s placed, p99 "
            f"{_ms(storm['post_p99_ms'])} ms, {storm['errors_5xx']} 5xx) beside anonymous "
            f"pages through nginx: {storm['renders']} renders ({storm['renders_per_min']:.1f} "
            f"per minute); {storm['from_files']} of {storm['page_requests']} anonymous page "
            f"requests from files ({'-' if share is None else f'{share * 100:.1f}'} %, target "
            f">= 95 %: {'yes' if storm['files_met'] else 'NO'}), {storm['page_errors']} not 200.")
