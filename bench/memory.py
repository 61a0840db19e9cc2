"""Does a gunicorn worker need recycling (deploy/gunicorn.conf.py's max_requests)?

Memory: one worker (never recycled) serves 20,000 signed-in requests, the homepage, detail
pages and the cart page in turn; its RSS (VmRSS) is read after 10,000 and after
20,000. Cost: two gunicorns side by side, one recycling its workers every 1,000 requests
(the old default, with its 10 % jitter) and one never, loaded in turns with the cart
request (a page gunicorn serves a signed-in visitor); requests/s of
each and the restarts the recycling one logged."""

from __future__ import annotations

import math
import time
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench import procs, wrk
from bench.client import Browser
from bench.shop import Catalogue, Shop
from devtools.servers import HOST

HALF, TOTAL = 10_000, 20_000
FRAGMENT = "/cart"  # what a signed-in visitor still asks Python for (the fragment is gone)
RECYCLE_EVERY = 1000
GROWTH_TARGET = 0.05
MAX_SECONDS = 150  # for all 20,000; a slower machine reports what it reached


def memory(shop: Shop, cat: Catalogue, load: wrk.Load, settings: procs.Gunicorn,
           shopper: Browser) -> dict[str, Any]:
    single = replace(settings, workers=1, max_requests=0)
    paths = [p for sku in cat.tile_skus for p in ("/", f"/goods/{sku}", FRAGMENT)]
    script = wrk.rotating_script(shop.workdir / "memory.lua", paths)
    with ExitStack() as stack:
        proc, port = procs.gunicorn(stack, shop, "gunicorn-memory", single)
        pid = worker_pid(proc.popen.pid)
        drive = Driver(f"http://{HOST}:{port}/", load, shopper.cookie_header(), script)
        drive.until(HALF)
        at_half = (drive.done, rss_kib(pid))
        drive.until(TOTAL)
        at_total = (drive.done, rss_kib(pid))
        if worker_pid(proc.popen.pid) != pid:
            raise RuntimeError("the gunicorn worker was replaced during the memory run")
    growth = (at_total[1] - at_half[1]) / at_half[1]
    return {"settings": single.describe(), "requests": [at_half[0], at_total[0]],
            "rss_half_kib": at_half[1], "rss_total_kib": at_total[1], "growth": growth,
            "errors": drive.errors, "met": growth < GROWTH_TARGET and at_total[0] >= TOTAL}


def recycling(shop: Shop, load: wrk.Load, settings: procs.Gunicorn,
              shopper: Browser) -> dict[str, Any]:
    """Requests/s with workers recycled every RECYCLE_EVERY requests against never, in turns."""
    with ExitStack() as stack:
        recycled, port_on = procs.gunicorn(stack, shop, "gunicorn-recycled",
                                           replace(settings, max_requests=RECYCLE_EVERY))
        _, port_off = procs.gunicorn(stack, shop, "gunicorn-kept",
                                     replace(settings, max_requests=0))
        cookie = {"Cookie": shopper.cookie_header()}
        on, off = wrk.compare(f"http://{HOST}:{port_on}{FRAGMENT}",
                              f"http://{HOST}:{port_off}{FRAGMENT}", load, cookie, cookie)
        restarts = recycled.log(tail=10_000_000).count("Autorestarting worker")
    return {"max_requests": RECYCLE_EVERY, "rps_recycled": on.rps, "rps_kept": off.rps,
            "p99_ms_recycled": on.p99_ms, "p99_ms_kept": off.p99_ms,
            "requests_recycled": on.requests, "restarts": restarts,
            "errors": on.errors + off.errors, "ratio": on.rps / off.rps if off.rps else None}


class Driver:
    """wrk in short runs until a number of requests has been served."""

    def __init__(self, url: str, load: wrk.Load, cookie: str, script: Path) -> None:
        self.url, self.load, self.cookie, self.script = url, load, cookie, script
        self.done = self.errors = 0
        self.rate = 200.0  # requests/s, corrected after the first run
        self.deadline = time.monotonic() + MAX_SECONDS

    def until(self, target: int) -> None:
        while self.done < target and time.monotonic() < self.deadline:
            seconds = min(5, max(1, math.ceil((target - self.done) / self.rate)))
            result = wrk.run(self.url, self.load, seconds, {"Cookie": self.cookie},
                             self.script)
            self.done += result.requests
            self.errors += result.errors
            self.rate = max(result.rps, 1.0)


def worker_pid(master: int, timeout: float = 10) -> int:
    """The one worker process of a single-worker gunicorn."""
    deadline = time.monotonic() + timeout
    children = Path(f"/proc/{master}/task/{master}/children")
    while time.monotonic() < deadline:
        pids = children.read_text().split()
        if len(pids) == 1:
            return int(pids[0])
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn {master} has no single worker")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")
