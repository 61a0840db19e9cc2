"""What both seeders share: the summary line and the homepage rows they add."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, insert, select

from storefront.demo.chinese import SYNONYMS
from storefront.extensions import db
from storefront.models import IndexCategoryGoodsBanner, SearchSynonym

NOTHING_CHANGED = "already seeded, nothing changed"
TILES_PER_KIND = 4  # title links and image tiles per category row, as the homepage shows


def summary(categories: int, skus: int, slides: int, promotions: int) -> str:
    return f"{categories} categories, {skus} SKUs, {slides} slides, {promotions} promotions"


def add_placements(category_id: int, sku_ids: Sequence[int]) -> None:
    """Image tiles for the first SKUs, title links for the next ones (or the same, if few)."""
    images = list(sku_ids[:TILES_PER_KIND])
    titles = list(sku_ids[TILES_PER_KIND:2 * TILES_PER_KIND]) or images
    rows = [
        {"category_id": category_id, "sku_id": sku_id, "display_type": kind, "index": index}
        for kind, ids in ((IndexCategoryGoodsBanner.IMAGE, images),
                          (IndexCategoryGoodsBanner.TITLE, titles))
        for index, sku_id in enumerate(ids)
    ]
    if rows:
        db.session.execute(insert(IndexCategoryGoodsBanner), rows)


def add_synonyms() -> None:
    """The demo's synonym groups, unless staff already keep a list."""
    if table_is_empty(SearchSynonym):
        db.session.add_all(SearchSynonym(words=words) for words in SYNONYMS)


def table_is_empty(model: type[db.Model]) -> bool:
    # Homepage-wide banners are added only where there are none, so mixing the hand-written
    # and synthetic seeds never doubles the carousel.
    return not db.session.scalar(select(func.count()).select_from(model))

