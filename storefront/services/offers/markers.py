"""The markers that keep a price boundary, on the node's own disk beside its page files.

``STATIC_PAGES_DIR/.boundaries/<epoch ms>/<name>``: a page key (its files go then), or
``sku-price:<id>`` (the search index's price of that SKU is redone then). Plain files, so
keeping a boundary needs neither Redis nor a running worker; ``schedule`` acts on them.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path

from storefront.services.pages import files as page_files
from storefront.services.pages.cache import Entry

FOLDER = ".boundaries"
SEARCH_PRICE = "sku-price:"


def _root() -> Path:
    return page_files.folder() / FOLDER


def guard(entry: Entry) -> None:
    """Note that ``entry``'s files must go at its boundary (none: nothing to do)."""
    if entry.fresh_until is None:
        return
    slot = _root() / str(int(entry.fresh_until * 1000))
    slot.mkdir(parents=True, exist_ok=True)
    (slot / entry.key).touch()


def next_boundary() -> float | None:
    """The earliest boundary still guarded (epoch seconds), or None."""
    try:
        names = [int(p.name) for p in _root().iterdir() if p.name.isdigit()]
    except FileNotFoundError:
        return None
    return min(names) / 1000 if names else None


def guard_search(boundary: datetime | None, sku_ids: Iterable[int]) -> None:
    """The search index holds these SKUs' prices as of now: redo them at ``boundary``."""
    if boundary is None:
        return
    slot = _root() / str(int(boundary.timestamp() * 1000))
    slot.mkdir(parents=True, exist_ok=True)
    for sku_id in sku_ids:
        (slot / f"{SEARCH_PRICE}{sku_id}").touch()


def take_due(now: float) -> Iterator[set[str]]:
    """The names in each slot whose moment has passed, oldest first. Each slot is renamed
    away before it is read (a marker added after this read goes into a new slot, not lost)
    and deleted only once the caller has acted on it (the next item is asked for)."""
    try:
        slots = [p for p in _root().iterdir() if p.name.isdigit() and int(p.name) <= now * 1000]
    except FileNotFoundError:
        return
    for slot in sorted(slots, key=lambda p: int(p.name)):
        taken = slot.with_name(f".{slot.name}.{os.getpid()}.{threading.get_ident()}")
        try:
            os.replace(slot, taken)
        except FileNotFoundError:  # another process took it
            continue
        yield {p.name for p in taken.iterdir()}
        shutil.rmtree(taken, ignore_errors=True)
