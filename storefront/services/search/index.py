"""The search index: tantivy (BM25, field boosts, fuzzy terms) over the on-sale SKUs, one
directory per node (README, "Search").

- ``update(sku_ids, goods_ids)`` is THE step from "these rows changed" to "the index shows
  them": the freshness listener calls it after each commit that touched a SKU or a product
  (a cluster routes the same call to every node). It reads the rows after taking the
  index's writer lock, so whatever it writes is at least as new as any write before it.
- ``reindex()`` rebuilds the whole index in one writer transaction: searches see the old
  index until its commit, then the new one; updates meanwhile wait for the lock.
- ``searcher()`` gives this process a searcher that has seen the last commit (a stat of
  ``meta.json`` per search; tantivy rewrites it atomically at each commit).
Only on-sale SKUs are in the index; an update deletes the rest.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from functools import cache

import tantivy
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from storefront.extensions import db
from storefront.models import GoodsSKU
from storefront.services.offers import markers as boundaries
from storefront.services.offers import prices as offers
from storefront.services.search import text as search_text

log = logging.getLogger(__name__)

SCHEMA_VERSION = "v1"  # a schema change gets a directory of its own (then search-reindex)
WRITER_HEAP = 15_000_000  # tantivy's minimum per indexing thread
WRITER_WAIT = 120.0  # an update waits this long for a rebuild holding the lock
BATCH = 500
READERS_KEPT = 4  # open indexes per process: one in production, one per app in tests
TEXT_FIELDS = ("name", "goods", "title", "detail")


class Unavailable(RuntimeError):
    """The index cannot be read (never built, removed, unreadable): search answers 503."""


@cache
def schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", stored=True, indexed=True, fast=True)
    for field in TEXT_FIELDS:
        builder.add_text_field(field, stored=False, tokenizer_name=search_text.ANALYZER)
    # the words as shown (no stemming), for "did you mean"
    builder.add_text_field("words", stored=False, tokenizer_name="whitespace")
    builder.add_integer_field("category", indexed=True, fast=True)
    builder.add_float_field("price", indexed=True, fast=True)
    builder.add_integer_field("sales", fast=True)
    builder.add_boolean_field("in_stock", indexed=True, fast=True)
    return builder.build()


def directory() -> str:
    return os.path.join(current_app.config["SEARCH_INDEX_DIR"], SCHEMA_VERSION)


def _open(path: str) -> tantivy.Index:
    index = tantivy.Index(schema(), path=path, reuse=True)
    index.register_tokenizer(search_text.ANALYZER, search_text.analyzer())
    return index


# --- reading ------------------------------------------------------------------------------

_readers: dict[str, tuple[tantivy.Index, tuple]] = {}
_readers_lock = threading.Lock()


def stamp() -> tuple:
    """Names this node's index as of its last commit (tantivy replaces ``meta.json`` at
    each one): what a page built from it is kept under. ``Unavailable`` if there is none."""
    path = directory()
    try:
        st = os.stat(os.path.join(path, "meta.json"))
    except OSError as exc:
        raise Unavailable("the search index has not been built") from exc
    return (path, st.st_ino, st.st_mtime_ns, st.st_size)


def searcher() -> tantivy.Searcher:
    """A searcher that has seen the index's last commit; ``Unavailable`` if there is none.
    Tried twice: another process's commit may remove merged segments while this one opens
    the commit before it."""
    try:
        return _searcher(stamp())
    except (OSError, ValueError):
        log.info("search: index changed while it was opened; opening it again", exc_info=True)
    try:
        return _searcher(stamp())
    except (OSError, ValueError) as exc:
        raise Unavailable(f"the search index cannot be read: {exc}") from exc


def _searcher(now: tuple) -> tantivy.Searcher:
    path = now[0]
    with _readers_lock:
        known = _readers.pop(path, None)  # put back last below: the newest last
        if known is None:
            index = _open(path)
            index.config_reader(reload_policy="Manual")
        else:
            index = known[0]
            if known[1] != now:
                index.reload()
        searcher = index.searcher()
        _readers[path] = (index, now)
        while len(_readers) > READERS_KEPT:  # apps of other folders (tests): let go
            del _readers[next(iter(_readers))]
        return searcher


# --- writing ------------------------------------------------------------------------------


@contextmanager
def _writer(wait: float) -> Iterator[tantivy.IndexWriter]:
    """The node's one index writer (a lock file shared by its processes), committed at the
    end of the block; a busy lock is waited for up to ``wait`` seconds."""
    path = directory()
    os.makedirs(path, exist_ok=True)
    index = _open(path)
    deadline = time.monotonic() + wait
    while True:
        try:
            writer = index.writer(heap_size=WRITER_HEAP, num_threads=1)
            break
        except ValueError as exc:
            if "LockBusy" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)
    try:
        yield writer
        writer.commit()
        writer.wait_merging_threads()  # releases the lock
    except BaseException:
        writer.rollback()
        raise


def update(sku_ids: Iterable[int] = (), goods_ids: Iterable[int] = (),
           category_ids: Iterable[int] = ()) -> int:
    """Make the index show these SKUs (and every SKU of these products and categories) as
    committed now: re-added when on sale, dropped otherwise. Always a commit, so the pages
    kept under the index's ``stamp`` go stale. Returns how many are on sale."""
    sku_ids, goods_ids, category_ids = set(sku_ids), set(goods_ids), set(category_ids)
    if not sku_ids and not goods_ids and not category_ids:
        return 0
    with _writer(WRITER_WAIT) as writer, Session(db.engine) as session:
        if goods_ids or category_ids:
            sku_ids |= set(session.scalars(select(GoodsSKU.id).where(
                GoodsSKU.goods_id.in_(goods_ids) | GoodsSKU.category_id.in_(category_ids))))
        for sku_id in sku_ids:
            writer.delete_documents_by_term("id", sku_id)
        added = 0
        for document in _documents(session, sorted(sku_ids), {}):
            writer.add_document(document)
            added += 1
    return added


def reindex(progress: Callable[[int], None] = lambda n: None) -> int:
    """Rebuild the whole index from the database; returns the number of on-sale SKUs.
    Running it again gives the same index."""
    with _writer(WRITER_WAIT) as writer, Session(db.engine) as session:
        writer.delete_all_documents()
        ids = list(session.scalars(select(GoodsSKU.id).where(GoodsSKU.on_sale)
                                   .order_by(GoodsSKU.id)))
        details: dict[int, str] = {}  # a product's detail text, segmented once for its SKUs
        for start in range(0, len(ids), BATCH):
            batch = ids[start:start + BATCH]
            for document in _documents(session, batch, details):
                writer.add_document(document)
            progress(len(batch))
    return len(ids)


def _documents(session: Session, ids: list[int],
               details: dict[int, str]) -> Iterator[tantivy.Document]:
    for start in range(0, len(ids), BATCH):
        rows = session.scalars(
            select(GoodsSKU).options(joinedload(GoodsSKU.goods))
            .where(GoodsSKU.id.in_(ids[start:start + BATCH]), GoodsSKU.on_sale))
        rows = list(rows)
        # the price shoppers pay now: what the price filter, sort and facets go by; the
        # SKUs are indexed again when it changes (services/offers/schedule.py)
        priced = offers.quotes(rows, session=session)
        boundaries.guard_search(priced.boundary, [sku.id for sku in rows])
        for sku in rows:
            yield _document(sku, details, priced.by_sku[sku.id].unit.total)


def _document(sku: GoodsSKU, details: dict[int, str], price: Decimal) -> tantivy.Document:
    words = search_text.document_words
    if sku.goods_id not in details:
        details[sku.goods_id] = words(sku.goods.detail or "")
    name, title = words(sku.name), words(sku.title or "")
    goods = words(f"{sku.goods.name} {sku.goods.name_zh or ''}")  # English and Chinese
    return tantivy.Document(
        id=sku.id, name=name, goods=goods, title=title, detail=details[sku.goods_id],
        words=" ".join((name, goods, title)), category=sku.category_id,
        price=float(price), sales=sku.sales, in_stock=sku.stock > 0)
