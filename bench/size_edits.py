"""Item 2's freshness figures at a grocer's size (issue 22, item 6), on the catalogue
bench/catalogue_size.py grew, whose page files are all there (written, or copies).

A page's tags are in Redis only once it was rendered (a copy carries none), so first every
page that can show the SKUs of ``CATEGORIES`` categories is rendered: the homepage, the
categories' list pages in each sort, their SKUs' pages (a SKU's card is on no other page).
Then:
- **per kind of edit**, on the first category (devtools/page_edits.py, tasks inline in
  this process): the pages made stale and the files written again. But the category
  rename: it makes every page stale (the nav), and its inline warm would write all of
  them, so it runs last, with its tasks queued to no worker, and its rewrite is the
  warm's (counted, not run);
- **commit -> every affected file fresh**, with a real Celery worker (bench/procs.py, as
  bench/saves.py): ``SAVES`` price edits, one every ``GAP_S``, each of another SKU, of the
  categories in turn (the common edit; run with one category, every save re-stales the
  same price-sorted lists). A save's affected pages are the ones carrying the tags its
  edit touches (``tags.of_edit``), read from Redis before the saves; its files are fresh
  once each of those pages has an ``.html`` (written last of its files) whose mtime, the
  moment its render began to read (``files.write``), is past the moment just before the
  commit. Timed from just before ``commit()``, polled every 20 ms; a save not fresh within
  ``TIMEOUT_S`` is a timeout (and fails the target).
"""

from __future__ import annotations

import os
import random
import re
import statistics
import time
from collections import Counter
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from flask import Flask, current_app
from sqlalchemy import select

from bench import procs, saves
from bench.shop import Shop
from devtools import page_edits
from storefront import redis_keys
from storefront.extensions import db, redis_store
from storefront.models import GoodsSKU
from storefront.services import catalog
from storefront.services.pages import files as page_files
from storefront.services.pages import render as pages
from storefront.services.pages import tags

SAVES, GAP_S, TIMEOUT_S, POLL_S = 60, 1.0, 10.0, 0.02
CATEGORIES = 5
P99_TARGET_S = 2.0
RENAME = "category rename"


def measure(shop: Shop, app: Flask) -> dict[str, Any]:
    with app.app_context():
        sku_id = page_edits.plain_sku()
        first = db.session.get(GoodsSKU, sku_id).category_id
        chosen = [first, *(c["id"] for c in catalog.list_categories() if c["id"] != first)]
        category_ids = chosen[:CATEGORIES]
        shown = shown_pages(set(category_ids))
        started = time.monotonic()
        rendered = sum(pages.publish(key) for key in shown)
        render_s = time.monotonic() - started
    inline = shop.app(CACHE_TYPE="NullCache", CELERY_TASK_ALWAYS_EAGER=True)
    with inline.app_context():
        kinds = page_edits.edits(sku_id)
        costs = {kind: vars(page_edits.cost_of(edit)) for kind, edit in kinds.items()
                 if kind != RENAME}
    with app.app_context():
        fresh = timed_saves(shop, category_ids)
        # last: with no worker left, its warm stays queued (the shop's queue is dropped)
        costs[RENAME] = {**vars(page_edits.cost_of(page_edits.edits(sku_id)[RENAME])),
                         "by_warm": len(list(pages.catalogue_keys())),
                         "warm_per_s": current_app.config["PAGE_WARM_PER_SECOND"]}
    return {"category_ids": category_ids, "sku_id": sku_id, "rendered": rendered,
            "render_s": render_s, "edits": costs, "saves": fresh,
            "met": fresh["p99_s"] is not None and fresh["p99_s"] <= P99_TARGET_S}


def shown_pages(category_ids: set[int]) -> list[str]:
    """Every page that shows a SKU of these categories: the homepage, their lists, their
    SKUs' pages."""
    skus = {f"goods:{i}" for i in db.session.scalars(
        select(GoodsSKU.id).where(GoodsSKU.category_id.in_(category_ids)))}
    lists = tuple(f"list:{i}:" for i in category_ids)
    return [key for key in pages.catalogue_keys()
            if key == pages.HOME or key in skus or key.startswith(lists)]


@dataclass
class Save:
    sku_id: int
    keys: list[str]
    wall: float = 0.0  # time.time() just before the commit: what a file's mtime is held to
    started: float = 0.0  # perf_counter just before the commit
    fresh_s: float | None = None
    pending: set[str] = field(default_factory=set)


def timed_saves(shop: Shop, category_ids: list[int]) -> dict[str, Any]:
    """``SAVES`` price edits of the categories' SKUs in turn, one every ``GAP_S``, with a
    real worker; commit -> every affected file fresh, per save."""
    # a fair sample: a category's newest SKUs are on all its SKUs' pages ("new arrivals"),
    # its tiles on the homepage
    sample = random.Random(22)  # noqa: S311 -- a sample, not a secret
    each = -(-SAVES // len(category_ids))
    samples = [sample.sample(skus, min(each, len(skus))) for skus in (
        list(db.session.scalars(select(GoodsSKU.id).where(
            GoodsSKU.category_id == c, GoodsSKU.on_sale).order_by(GoodsSKU.id)))
        for c in category_ids)]
    turns = [skus[n % len(skus)] for n in range(each) for skus in samples]
    plan = [Save(sku_id, affected(sku_id)) for sku_id in turns[:SAVES]]
    with ExitStack() as stack:
        worker = procs.worker(stack, shop)
        before = sum(saves.renders(worker.log_path).values())
        polling_cpu_s = run(plan)
        time.sleep(1.0)  # a render still running is logged
        renders = sum(saves.renders(worker.log_path).values()) - before
        tasks = task_times(worker.log_path.read_text(errors="replace"))
    found = saves.summary([s.fresh_s for s in plan])
    late = Counter(k.split(":", 1)[0] for s in plan if s.fresh_s is None for k in s.pending)
    sizes = sorted(len(s.keys) for s in plan)
    return {**found, "saves": SAVES, "gap_s": GAP_S, "renders": renders, "late": dict(late),
            "tasks": tasks, "polling_cpu_s": polling_cpu_s,
            "pages": {"min": sizes[0], "median": statistics.median(sizes), "max": sizes[-1],
                      "with_home": sum(pages.HOME in s.keys for s in plan)}}


_DONE = re.compile(r"Task storefront\.tasks\.(\w+)\[[^\]]+\] succeeded in ([0-9.]+)s")


def task_times(log: str) -> dict[str, dict[str, float]]:
    """What the worker spent on each kind of task, from its log: the renders share its two
    processes with the stock index and the search index each save also asks for."""
    spent: dict[str, list[float]] = {}
    for name, seconds in _DONE.findall(log):
        spent.setdefault(name, []).append(float(seconds))
    return {name: {"n": len(times), "total_s": sum(times), "max_s": max(times)}
            for name, times in sorted(spent.items())}


def affected(sku_id: int) -> list[str]:
    """The pages a price edit of the SKU makes stale: those carrying a tag it touches, read
    from Redis (the tag sets the renders left) with the SKU's price changed, not saved."""
    sku = db.session.get(GoodsSKU, sku_id)
    sku.price += Decimal("0.01")
    touched = tags.of_edit(sku)
    db.session.rollback()
    sets = [redis_keys.page_cache(f"tag:{t}") for t in touched]
    # a page gone for good (a SKU off sale) stays in the sets of tags no edit touched since:
    # removing its missing file is free, and there is no file to wait for
    return sorted(k for k in redis_store.client.sunion(sets)
                  if not k.startswith("search") and page_files.path_of(k).exists())


def run(plan: list[Save]) -> float:
    """The saves at their pace, and between them the files polled until each save's are
    fresh or ``TIMEOUT_S`` has passed since its commit; the CPU seconds the polling took
    (this process's, beside the worker's on the same cores)."""
    waiting: list[Save] = []
    paths = {k: str(page_files.path_of(k)) for save in plan for k in save.keys}
    due, polling = time.monotonic(), 0.0
    for save in plan:
        while time.monotonic() < due:
            waiting, polling = _poll_once(waiting, paths, polling)
        sku = db.session.get(GoodsSKU, save.sku_id)
        sku.price += Decimal("0.01")
        save.pending = set(save.keys)
        save.wall, save.started = time.time(), time.perf_counter()
        db.session.commit()
        waiting.append(save)
        due += GAP_S
    while waiting:
        waiting, polling = _poll_once(waiting, paths, polling)
    return polling


def _poll_once(waiting: list[Save], paths: dict[str, str], polling: float,
               ) -> tuple[list[Save], float]:
    cpu = time.process_time()
    waiting = poll(waiting, paths)
    polling += time.process_time() - cpu
    time.sleep(POLL_S)
    return waiting, polling


def poll(waiting: list[Save], paths: dict[str, str]) -> list[Save]:
    """Each page a save still waits for looked at once: when its render began to read."""
    read_at: dict[str, float] = {}
    for key in set().union(*(save.pending for save in waiting)):
        with suppress(FileNotFoundError):  # gone with the commit, not written yet
            read_at[key] = os.stat(paths[key]).st_mtime
    left = []
    for save in waiting:
        save.pending = {k for k in save.pending if read_at.get(k, 0.0) < save.wall}
        now = time.perf_counter()
        if not save.pending:
            save.fresh_s = now - save.started
        elif now - save.started < TIMEOUT_S:
            left.append(save)
    return left


def line(found: dict[str, Any]) -> str:
    each = "; ".join(f"{kind} {c['stale']:,} stale / {c['files']:,} files"
                     for kind, c in found["edits"].items() if kind != RENAME)
    rename = found["edits"][RENAME]
    fresh = found["saves"]
    n = fresh["pages"]
    p50, p99 = fresh["p50_s"], fresh["p99_s"]
    return (f"Edits at this size (the {found['rendered']:,} pages that show the SKUs of "
            f"{len(found['category_ids'])} categories rendered first, homepage included, in "
            f"{found['render_s']:.0f} s), on one category: {each}; "
            f"{RENAME} {rename['stale']:,} stale, every page written again by the warm "
            f"({rename['by_warm']:,} pages at {rename['warm_per_s']}/s, not run). Commit -> "
            f"every affected file fresh, {fresh['saves']} price saves {fresh['gap_s']:.0f} s "
            f"apart with a real worker (SKUs sampled from the {len(found['category_ids'])} "
            f"categories in turn: "
            f"{n['min']}-{n['max']} pages each, median {n['median']:.0f}, {n['with_home']} with "
            f"the homepage; {fresh['renders']} renders in all): p50 "
            f"{'-' if p50 is None else f'{p50:.2f}'} s, p99 "
            f"{'-' if p99 is None else f'{p99:.2f}'} s, max "
            f"{'-' if fresh['max_s'] is None else format(fresh['max_s'], '.2f')} s, "
            f"{fresh['timeouts']} timeouts{_late(fresh['late'])} (target p99 <= "
            f"{P99_TARGET_S:.0f} s: "
            f"{'yes' if found['met'] else 'NO'}; the bench's polling took "
            f"{fresh['polling_cpu_s']:.1f} s CPU). The worker's time: "
            + ", ".join(f"{name} {t['n']} x, {t['total_s']:.1f} s, max {t['max_s']:.2f} s"
                        for name, t in fresh["tasks"].items()) + ".")


def _late(late: dict[str, int]) -> str:
    return (" (pages not fresh at the timeouts: " + ", ".join(f"{n} {kind}" for kind, n in
                                                           sorted(late.items())) + ")"
            if late else "")
