"""Memory: one gunicorn worker (never recycled) serves 20,000 signed-in requests, homepage
and detail pages in turn; its RSS (VmRSS) is read after 10,000 and after 20,000."""

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
from tests.servers import HOST

HALF, TOTAL = 10_000, 20_000
GROWTH_TARGET = 0.05
MAX_SECONDS = 150  # for all 20,000; a slower machine reports what it reached


def memory(shop: Shop, cat: Catalogue, load: wrk.Load, settings: procs.Gunicorn,
           shopper: Browser) -> dict[str, Any]:
    single = replace(settings, workers=1, max_requests=0)
    paths = [p for sku in cat.tile_skus for p in ("/", f"/goods/{sku}")]
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
            result = wrk.run(self.url, self.load, seconds, self.cookie, self.script)
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
