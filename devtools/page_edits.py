"""What one staff edit costs the page layer, per kind of edit: the pages it made stale and
the page files written again (issue 22, item 2). Shared by
tests/services/pages/test_page_edits.py (exact counts on a small shop) and bench/edits.py
(figures on the bench's catalogue).

Each edit goes the admin's way (the row changed, then the commit), in an app whose
tasks run inline, so when ``commit()`` returns the worker's renders are done and the files on
disk show what the edit cost: a file is *rewritten* when it is there after the edit and was
not there, or was another file, before it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select

from storefront.extensions import db
from storefront.models import GoodsCategory, GoodsSKU, IndexCategoryGoodsBanner, IndexGoodsBanner
from storefront.services.orders import bands
from storefront.services.pages import files as page_files
from storefront.services.pages import render as pages

Stamps = dict[str, tuple[int, int]]


@dataclass(frozen=True)
class Cost:
    stale: int  # pages whose files the edit removed (written again, or gone for good)
    pages: int  # pages written again
    files: int  # files written again (each page: .html, its .gz and .br twins)


def stamps(folder: Path) -> Stamps:
    """Every page file under ``folder`` (not the dot files beside them), by inode and time."""
    found = {}
    for path in folder.rglob("*"):
        if path.is_file() and not path.name.startswith("."):
            st = path.stat()
            found[path.relative_to(folder).as_posix()] = (st.st_ino, st.st_mtime_ns)
    return found


def cost_of(edit: Callable[[], None]) -> Cost:
    before = stamps(page_files.folder())
    edit()
    after = stamps(page_files.folder())
    rewritten = {name for name, stamp in after.items() if before.get(name) != stamp}
    gone = before.keys() - after.keys()
    html = {n for n in rewritten | gone if n.endswith(".html")}
    return Cost(stale=len(html), pages=len({n for n in rewritten if n.endswith(".html")}),
                files=len(rewritten))


def publish_all() -> int:
    """Every catalogue page's files, as warming writes them; how many pages."""
    return sum(pages.publish(key) for key in pages.catalogue_keys())


def plain_sku() -> int:
    """A SKU that no homepage slot shows and that is not among its category's newest three
    (so no "new arrivals" box shows it): the common case of a price edit."""
    placed = select(IndexCategoryGoodsBanner.sku_id).union(select(IndexGoodsBanner.sku_id))
    newest = (select(GoodsSKU.id).where(GoodsSKU.on_sale)
              .order_by(GoodsSKU.category_id, GoodsSKU.created_at.desc(), GoodsSKU.id.desc()))
    shown_new = set()
    for category_id in db.session.scalars(select(GoodsCategory.id)):
        shown_new |= set(db.session.scalars(newest.where(GoodsSKU.category_id == category_id)
                                            .limit(3)))
    counts = dict(db.session.execute(select(GoodsSKU.goods_id, func.count())
                                     .where(GoodsSKU.on_sale).group_by(GoodsSKU.goods_id)).all())
    return next(s.id for s in db.session.scalars(
        select(GoodsSKU).where(GoodsSKU.on_sale, GoodsSKU.id.not_in(placed),
                               GoodsSKU.stock > bands.LOW).order_by(GoodsSKU.id))
        if s.id not in shown_new and counts[s.goods_id] == max(counts.values()))


def _save(obj: object) -> None:
    """As the admin saves: the row added or changed, then the commit (the page layer's
    flush collector notes what it makes stale)."""
    db.session.add(obj)
    db.session.commit()


def edits(sku_id: int) -> dict[str, Callable[[], None]]:
    """Each kind of edit, of ``sku_id`` where it edits a SKU, in an order where each starts
    from every page having its files (the last two remove some for good, or all)."""
    def sku() -> GoodsSKU:
        return db.session.get(GoodsSKU, sku_id)

    def change(**values: object) -> Callable[[], None]:
        def run() -> None:
            row = sku()
            for name, value in values.items():
                setattr(row, name, value(row) if callable(value) else value)
            _save(row)
        return run

    def new_sku() -> None:
        like = sku()
        newcomer = GoodsSKU(category_id=like.category_id, goods_id=like.goods_id,
                            name="Newcomer", title="Just in", price=Decimal("4.56"), unit="1kg",
                            stock=50, default_image=like.default_image)
        _save(newcomer)

    def banner() -> None:
        slide = db.session.scalars(select(IndexGoodsBanner).order_by(IndexGoodsBanner.id)).first()
        slide.index += 1
        _save(slide)

    def rename() -> None:
        category = db.session.get(GoodsCategory, sku().category_id)
        category.name += " & more"
        _save(category)

    return {"price": change(price=lambda row: row.price + Decimal("0.01")),
            "name": change(name=lambda row: row.name + " (new)"),
            "stock band": change(stock=bands.LOW),
            "banner": banner, "new SKU": new_sku,
            "SKU off sale": change(is_on_sale=False), "category rename": rename}


def costs(sku_id: int) -> dict[str, Cost]:
    """What each kind of edit cost, on a catalogue whose pages all have their files."""
    return {kind: cost_of(edit) for kind, edit in edits(sku_id).items()}
