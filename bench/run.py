"""``make bench``: the shop measured against this machine's own floor, in one bounded run.

Steps, loading one server at a time: a fresh MariaDB database and Redis prefix, a synthetic
catalogue (20 categories x 50 SKUs) and the files of the pages measured; the load figures
(anonymous and signed-in pages through nginx, signed-in straight to gunicorn, then a cold
gunicorn), each in turns with its floor (nginx with a copy of the page's file and twins,
gunicorn with a bare Flask view; same sizes and settings); memory over 20,000 requests and
the cost of recycling workers; freshness through nginx with a real Celery worker; SQL query
counts (the fragment endpoint's too; then the catalogue grown to 200 categories); search on
that catalogue of 10,000 SKUs (``bench.search_figure``; ``--only search`` runs it alone); the
cluster (bench/cluster.py: 1 and 3 web nodes behind the balancer, a Redis failover); orders
(bench/orders.py: checkouts per second, and an order storm beside anonymous pages; ``--only
orders`` runs it alone); a catalogue of 30,000 SKUs (bench/catalogue_size.py: warm time,
disk, the sweep's CPU, and the edits' figures at that size, bench/size_edits.py; ``--only
sweep`` runs it alone). Everything is removed at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

from bench import (
    anonymous,
    catalogue_size,
    cluster,
    edits,
    figures,
    memory,
    offer_start,
    orders,
    procs,
    queries,
    report,
    saves,
    search_figure,
    size_edits,
    wrk,
)
from bench import shop as shop_mod

CATEGORIES, SKUS, BIG_CATEGORIES = 20, 50, 200
# figures that run alone on the standard catalogue (--only NAME): printed, not written
ALONE = {"anonymous": anonymous, "offers": offer_start, "orders": orders}
SIZE, SIZE_WARM_BUDGET_S = f"{catalogue_size.CATEGORIES}x{catalogue_size.SKUS}", 90.0
# the cluster figure adds 3-4 min (two clusters started), orders 2-3, 30,000 SKUs 6 (with
# item 2's figures at that size: 681 pages rendered, the kinds of edit, 60 timed saves)
HARD_TIMEOUT_S = 25 * 60
# what must be on this machine: Debian package
TOOLS = {"wrk": "wrk", "/usr/sbin/nginx": "nginx",
         "/usr/lib/nginx/modules/ngx_http_brotli_static_module.so":
         "libnginx-mod-http-brotli-static",
         "/usr/lib/nginx/modules/ngx_http_set_misc_module.so": "libnginx-mod-http-set-misc"}


class BenchTimeout(RuntimeError):
    pass


class RepeatsCounted(logging.Filter):
    """The app in this process (the staff saves) logs each kind of warning once; repeats
    are counted for the report instead of filling the screen."""

    def __init__(self) -> None:
        super().__init__()
        self.counts: Counter[str] = Counter()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        key = f"{record.levelname} {record.name}: {record.msg}"
        self.counts[key] += 1
        return self.counts[key] == 1


def ensure_tools() -> None:
    """wrk, nginx and its brotli_static module from Debian's packages when missing;
    `apt-get update` only if needed."""
    missing = [pkg for what, pkg in TOOLS.items()
               if not (Path(what).exists() if what.startswith("/") else shutil.which(what))]
    if not missing:
        return
    if os.geteuid() != 0:
        sys.exit(f"bench: please install {' '.join(missing)} (apt-get install -y ...)")
    log(f"installing {' '.join(missing)} with apt-get")
    install = ["apt-get", "install", "-y", "-qq", *missing]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if subprocess.run(install, env=env, check=False).returncode != 0:  # noqa: S603
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=True)  # noqa: S607
        subprocess.run(install, env=env, check=True)  # noqa: S603


STARTED = time.monotonic()


def log(message: str) -> None:
    print(f"[bench {time.monotonic() - STARTED:6.1f}s] {message}", file=sys.stderr, flush=True)


def _timeout(signum: int, frame: FrameType | None) -> None:
    raise BenchTimeout(f"the bench ran over its {HARD_TIMEOUT_S} s limit")


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(f"bench: stopped by signal {signum}")


def measure(shop: shop_mod.Shop, load: wrk.Load, settings: procs.Gunicorn) -> dict[str, Any]:
    app = shop.app()
    log(f"seeding {CATEGORIES} categories x {SKUS} SKUs into {shop.database}")
    with contextlib.redirect_stdout(io.StringIO()):  # the seeder's progress bar
        cat = shop_mod.prepare(shop, app, CATEGORIES, SKUS)
    repeats = RepeatsCounted()
    for handler in logging.getLogger().handlers:
        handler.addFilter(repeats)
    log("load figures, each in turns with its floor (nginx static file, Flask bytes)")
    figs, shopper = figures.shop_figures(shop, cat, load, settings)
    log("memory: 20,000 requests on one worker; recycling every 1,000 requests or never")
    mem = memory.memory(shop, cat, load, settings, shopper)
    mem["recycling"] = memory.recycling(shop, load, settings, shopper)
    log(f"freshness through nginx: {saves.SAVES} timed saves and a burst of {saves.BURST}, "
        "with a real Celery worker")
    fresh = saves.measure(shop, app, cat, settings)
    log("an offer's start through nginx: renders and time until every page file is fresh")
    started_offer = offer_start.measure(shop, app, cat, settings)
    log(f"orders: {orders.BUYERS} buyers on {orders.SKUS} SKUs, then {orders.STORM_RATE} "
        f"orders/s for {orders.STORM_S} s beside anonymous pages through nginx")
    ordered = orders.measure(shop, app, cat, settings)
    log("edits: pages made stale and files rewritten, per kind of edit")
    edited = edits.measure(shop)
    log(f"SQL query counts (then the catalogue grown to {BIG_CATEGORIES} categories)")
    with contextlib.redirect_stdout(io.StringIO()):
        counts = queries.query_counts(shop, app, cat, settings, BIG_CATEGORIES, SKUS)
    log("search: 20 queries on 10,000 SKUs straight to gunicorn, and commit -> result")
    found = search_figure.measure(shop, app, load, settings)
    log("cluster: the homepage through the balancer with 1 and 3 nodes, then a Redis failover")
    clustered = cluster.measure(load)
    sized = measure_size(shop.workdir, SIZE, SIZE_WARM_BUDGET_S)
    return {"figures": {f.key: f.as_dict() for f in figs}, "queries": counts,
            "freshness": fresh, "offer_start": started_offer, "orders": ordered, "edits": edited,
            "memory": mem, "search": found, "cluster": clustered, "catalogue_size": sized,
            "app_warnings_in_bench": dict(repeats.counts)}


def measure_search(shop: shop_mod.Shop, load: wrk.Load,
                   settings: procs.Gunicorn) -> dict[str, Any]:
    """``--only search``: the search figure alone, on a catalogue seeded at its size."""
    app = shop.app()
    log(f"seeding {BIG_CATEGORIES} categories x {SKUS} SKUs into {shop.database}")
    with contextlib.redirect_stdout(io.StringIO()):
        shop_mod.prepare(shop, app, BIG_CATEGORIES, SKUS)
    log("search: 20 queries on 10,000 SKUs straight to gunicorn, and commit -> result")
    return search_figure.measure(shop, app, load, settings)


def measure_size(workdir: Path, size: str, warm_budget_s: float) -> dict[str, Any]:
    """The catalogue at a grocer's size (bench/catalogue_size.py), in a database of its own.
    The app keeps no page entries (NullCache: 30,000 of them would fill Redis); the tag sets
    the sweep reads are kept as ever."""
    categories, skus = (int(n) for n in size.lower().split("x"))
    big = shop_mod.create(workdir / "size")
    try:
        log(f"catalogue of {categories * skus:,} SKUs: seed, warm from empty (at most "
            f"{warm_budget_s:.0f} s), disk, {catalogue_size.SWEEPS} sweeps with no edits, the "
            f"kinds of edit, {size_edits.SAVES} timed saves with a real worker")
        with contextlib.redirect_stdout(io.StringIO()):
            return catalogue_size.measure(big, big.app(CACHE_TYPE="NullCache"), categories,
                                          skus, warm_budget_s)
    finally:
        shop_mod.drop(big)


def parse_args(argv: list[str] | None
               ) -> tuple[wrk.Load, procs.Gunicorn, str | None, argparse.Namespace]:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split(
        "\n")[0])
    parser.add_argument("--duration", type=int, default=6,
                        help="seconds measured per side of a figure (in three runs)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="WEB_CONCURRENCY, app and floor")
    parser.add_argument("--threads", type=int, default=4, help="GUNICORN_THREADS")
    parser.add_argument("--max-requests", type=int, default=0,
                        help="GUNICORN_MAX_REQUESTS (0: workers are not recycled mid-run)")
    parser.add_argument("--size", default=f"{catalogue_size.CATEGORIES}x{catalogue_size.SKUS}",
                        help="--only sweep: categories x SKUs per category (default 30,000)")
    parser.add_argument("--warm-budget", type=float, default=300.0,
                        help="--only sweep: seconds of warming; the rest is extrapolated")
    parser.add_argument("--only", choices=["search", "sweep", "edits", *ALONE],
                        help="run this figure alone (printed, not written to results/)")
    args = parser.parse_args(argv)
    load = wrk.Load(threads=2, connections=args.connections, warmup_s=args.warmup,
                    duration_s=args.duration)
    return load, procs.Gunicorn(args.workers, args.threads, args.max_requests), args.only, args


def main(argv: list[str] | None = None) -> int:
    load, settings, only, args = parse_args(argv)
    ensure_tools()
    signal.signal(signal.SIGALRM, _timeout)
    signal.signal(signal.SIGTERM, _terminate)
    signal.alarm(HARD_TIMEOUT_S)
    started = datetime.now(UTC).replace(microsecond=0)
    workdir = Path(tempfile.mkdtemp(prefix="sf-bench-"))
    shop = shop_mod.create(workdir)
    ok = False
    try:
        if only in ALONE:
            app = shop.app()
            with contextlib.redirect_stdout(io.StringIO()):
                cat = shop_mod.prepare(shop, app, CATEGORIES, SKUS)
            piece = ALONE[only]
            line = piece.line(piece.measure(shop, app, cat, settings))
            ok = True
            print(line)
            return 0
        if only == "sweep":
            line = catalogue_size.line(measure_size(workdir, args.size, args.warm_budget))
            ok = True
            print(line)
            return 0
        if only == "edits":
            with contextlib.redirect_stdout(io.StringIO()):
                shop_mod.prepare(shop, shop.app(), CATEGORIES, SKUS)
            line = edits.line(edits.measure(shop))
            ok = True
            print(line)
            return 0
        if only == "search":
            line = report.search_line(measure_search(shop, load, settings))
            ok = True
            print(line)
            return 0
        results = measure(shop, load, settings)
        ok = True
    finally:
        signal.alarm(0)
        shop_mod.drop(shop)
        if ok:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            log(f"failed: the servers' logs are in {workdir}")
    results["started"] = started.isoformat().replace("+00:00", "Z")
    results["duration_s"] = time.monotonic() - STARTED
    results["settings"] = {
        "cores": os.cpu_count(), "gunicorn": settings.describe(),
        "catalogue": f"{CATEGORIES} categories x {SKUS} SKUs (storefront.demo.seed)",
        "wrk": (f"wrk -t{load.threads} -c{load.connections} -d{load.duration_s}s --latency "
                f"after a {load.warmup_s} s warm-up, on 127.0.0.1"),
    }
    paths = report.write(results)
    print(report.render(results))
    log(f"done in {results['duration_s']:.0f} s; written: "
        f"{', '.join(os.path.relpath(p) for p in paths[:2])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
