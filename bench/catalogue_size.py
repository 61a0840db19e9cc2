"""The page layer at a grocer's size (issue 22, item 6): a catalogue of 30,000 SKUs seeded
with ``seed(categories, skus_per_category)``, as ``flask seed-demo --categories N
--skus-per-category M`` does; ``python -m bench.run --only sweep`` runs it alone.

- **Warm from empty**: every catalogue page written by ``services.pages.publish`` in this
  process, one after another with no pacing (the worker paces at PAGE_WARM_PER_SECOND), in a
  shuffled order so that a run cut short by ``--warm-budget`` is a fair sample of the kinds of
  page; then the time is extrapolated to every page, and said so.
- **Page files and disk**: counted on disk (``st_blocks``) per page; pages the budget left
  unwritten are counted at the mean of the written ones of their kind (also said so).
- **The sweep with no edits**: the catalogue's rows last changed an hour ago, every page
  written since (pages the budget left are written as copies of a written page of their kind:
  the sweep only lists names and reads stamps), then ``sweep_pages`` run in this process a few
  times. Its CPU is this process's (``time.process_time``): the queries' cost on MariaDB's side
  is not in it (their wall time is, in ``wall``). Per hour: the mean times the sweeps an hour
  takes (3600 / ``INDEX_SAFETY_NET_SECONDS``), plus the stock index the sweep builds when it
  is about to expire (every third sweep: ``stock.rebuild`` timed on its own, 3 times).
- **Item 2's figures at this size** (bench/size_edits.py, after the sweeps): per kind of
  edit, the pages made stale and the files written again; commit -> every affected file
  fresh while staff save an edit a second, with a real Celery worker.
"""

from __future__ import annotations

import random
import shutil
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy import update

from bench import size_edits
from bench.shop import Shop, migrate
from storefront.demo import seed
from storefront.extensions import db
from storefront.models import utcnow
from storefront.services.cart import stock
from storefront.services.pages import files as page_files
from storefront.services.pages import render as pages
from storefront.services.pages import sweep as page_sweep
from storefront.tasks import sweep_pages

CATEGORIES, SKUS = 300, 100  # 30,000 SKUs
SWEEPS = 5
_SUFFIXES = (".html", ".html.gz", ".html.br")


def measure(shop: Shop, app: Flask, categories: int = CATEGORIES, skus: int = SKUS,
            warm_budget_s: float = 300.0) -> dict[str, Any]:
    migrate(shop)
    with app.app_context():
        started = time.monotonic()
        seed(categories, skus)
        seeded_s = time.monotonic() - started
        an_hour_ago = utcnow() - timedelta(hours=1)
        for model in page_sweep.WATCHED:
            db.session.execute(update(model).values(updated_at=an_hour_ago))
        db.session.commit()
        keys = list(pages.catalogue_keys())
        warm = _warm(keys, warm_budget_s)
        disk = _disk(keys, set(warm["written"]))
        page_sweep.settled(time.time())
        stock.rebuild()  # fresh: the runs below do not build it (measured on its own)
        runs = [_sweep_once() for _ in range(SWEEPS)]
        builds = [_cpu(stock.rebuild) for _ in range(3)]
        period = app.config["INDEX_SAFETY_NET_SECONDS"]
    edits = size_edits.measure(shop, app)
    per_hour = (sum(r["cpu_s"] for r in runs) / len(runs) * 3600 / period
                + sum(builds) / len(builds) * 3600 / _build_every(period))
    return {"stock_build_cpu_s": builds, "stock_builds_per_hour": 3600 / _build_every(period),
            "skus": categories * skus, "categories": categories, "seed_s": seeded_s,
            "pages": len(keys), "warm": {k: v for k, v in warm.items() if k != "written"},
            "disk": disk, "sweeps": runs, "period_s": period,
            "sweep_cpu_s_per_hour": per_hour, "sweep_core_percent": per_hour / 36,
            "edits": edits,
            "met": per_hour / 36 < 1.0 and all(r["written"] == 0 for r in runs)}


def _warm(keys: list[str], budget_s: float) -> dict[str, Any]:
    order = [k for k in keys if k != pages.HOME]
    random.Random(22).shuffle(order)  # noqa: S311 -- an order, not a secret
    order.insert(0, pages.HOME)  # the one page of its kind: never left to a copy
    written, started = [], time.monotonic()
    cpu = time.process_time()
    for key in order:
        if time.monotonic() - started > budget_s:
            break
        if pages.publish(key):
            written.append(key)
    elapsed, cpu = time.monotonic() - started, time.process_time() - cpu
    return {"written": written, "done": len(written), "of": len(keys), "elapsed_s": elapsed,
            "cpu_s": cpu, "extrapolated_s": elapsed * len(keys) / max(1, len(written))}


def _kind(key: str) -> str:
    return key.split(":", 1)[0]


def _disk(keys: list[str], written: set[str]) -> dict[str, Any]:
    """Files and bytes on disk per kind; the pages not written are copies of one that was,
    counted at the mean of their kind."""
    used, count = defaultdict(int), defaultdict(int)
    for key in written:
        used[_kind(key)] += sum(page_files.path_of(key, s).stat().st_blocks * 512
                                for s in _SUFFIXES)
        count[_kind(key)] += 1
    sample = {_kind(k): k for k in written}
    total, copied = 0, 0
    for key in keys:
        kind = _kind(key)
        total += used[kind] / count[kind] if count[kind] else 0
        if key not in written and kind in sample:
            _copy(sample[kind], key)
            copied += 1
    files = sum(1 for p in page_files.folder().rglob("*") if p.is_file()
                and not p.name.startswith("."))
    return {"files": files, "bytes": int(total), "copied_pages": copied,
            "bytes_measured": sum(used.values())}


def _copy(source: str, key: str) -> None:
    target = page_files.path_of(key)
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in _SUFFIXES:
        shutil.copyfile(page_files.path_of(source, suffix), page_files.path_of(key, suffix))


def _build_every(period: float) -> float:
    """Seconds between the sweep's builds of the stock index: it builds when the index has
    less than 2.5 periods left of its INDEX_SECONDS (tasks.sweep_pages)."""
    left, every = stock.INDEX_SECONDS, 0.0
    while left >= 2.5 * period:
        left, every = left - period, every + period
    return every


def _cpu(work: Callable[[], object]) -> float:
    cpu = time.process_time()
    work()
    return time.process_time() - cpu


def _sweep_once() -> dict[str, Any]:
    wall, cpu = time.monotonic(), time.process_time()
    written = sweep_pages.run()
    return {"cpu_s": time.process_time() - cpu, "wall_s": time.monotonic() - wall,
            "written": written}


def line(result: dict[str, Any]) -> str:
    warm, disk = result["warm"], result["disk"]
    cut = warm["done"] < warm["of"]
    warm_text = (f"{warm['extrapolated_s']:.0f} s for {warm['of']:,} pages, extrapolated from "
                 f"{warm['done']:,} written in {warm['elapsed_s']:.0f} s" if cut else
                 f"{warm['elapsed_s']:.0f} s for {warm['of']:,} pages")
    walls = ", ".join(f"{r['wall_s']:.2f}" for r in result["sweeps"])
    cpus = ", ".join(f"{r['cpu_s']:.2f}" for r in result["sweeps"])
    return (f"Catalogue of {result['skus']:,} SKUs ({result['categories']} categories, seeded "
            f"in {result['seed_s']:.0f} s): warm from empty, one process, no pacing: "
            f"{warm_text}; {disk['files']:,} page files, "
            f"{disk['bytes'] / 2**20:.0f} MiB on disk"
            f"{' (pages not written counted at the mean of their kind)' if cut else ''}. "
            f"The sweep with no edits, {len(result['sweeps'])} runs: wall {walls} s, this "
            f"process's CPU {cpus} s, pages written "
            f"{sum(r['written'] for r in result['sweeps'])}; the stock index it builds "
            f"{result['stock_builds_per_hour']:.0f} times an hour: "
            f"{', '.join(f'{c:.2f}' for c in result['stock_build_cpu_s'])} s CPU each. Every "
            f"{result['period_s']} s that is {result['sweep_cpu_s_per_hour']:.0f} CPU s an hour, "
            f"{result['sweep_core_percent']:.2f} % of one core (target < 1 %: "
            f"{'yes' if result['met'] else 'NO'}; MariaDB's side of the queries not counted). "
            + size_edits.line(result["edits"]))
