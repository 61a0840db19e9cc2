"""The ladder of sizes of an uploaded picture, made by the worker after the commit.

An upload used to build its ladder inside the staff member's request: an 88-megapixel image
took ~3 s and over 1 GiB of the web worker's memory. Now the request only checks and saves
the original (``note`` records it on the session); after the commit, and never before (a
rolled-back save has no ladder to make), the worker makes the ladder (``tasks.make_ladders``
-> ``build``), then the pages that show the picture are made fresh, so they name the ladder.
Until then they show the original (``images.image_set``).
"""

from __future__ import annotations

import contextlib
import logging

from flask import current_app
from sqlalchemy import event, or_, select
from sqlalchemy.orm import Session

from storefront.extensions import db
from storefront.models import (
    GoodsCategory,
    GoodsImage,
    GoodsSKU,
    IndexGoodsBanner,
    IndexPromotionBanner,
)
from storefront.services import images
from storefront.services.pages import freshness, tags

log = logging.getLogger(__name__)

PENDING = "storefront.ladders"
# Each model that shows a picture, and its picture columns.
PICTURES = ((GoodsSKU, ("default_image",)), (GoodsImage, ("image",)),
            (GoodsCategory, ("image",)), (IndexGoodsBanner, ("image",)),
            (IndexPromotionBanner, ("image",)))


def note(session: Session, relative: str) -> None:
    """A picture saved in this transaction: its ladder is made after the commit."""
    session.info.setdefault(PENDING, set()).add(relative)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    pending = session.info.pop(PENDING, None)
    if not pending:
        return
    try:  # by name: services never import the tasks module
        current_app.extensions["celery"].tasks["storefront.tasks.make_ladders"].apply_async(
            args=[sorted(pending)])
    except Exception:  # the broker is down: pages show the originals, as before ladders
        log.error("ladders: could not queue %s", sorted(pending), exc_info=True)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(PENDING, None)


def build(paths: list[str]) -> int:
    """Make each picture's ladder, then freshen the pages that show them; how many made."""
    made = 0
    for relative in paths:
        try:
            images.make_ladder(relative)
            made += 1
        except (OSError, ValueError, images.TooLarge):
            log.exception("no ladder of sizes for %s", relative)
    stale: set[str] = set()
    with Session(db.engine) as session:  # of its own: this may run inside an after-commit
        for model, columns in PICTURES:
            found = or_(*(getattr(model, c).in_(paths) for c in columns))
            for row in session.scalars(select(model).where(found)):
                stale |= tags.of_edit(row, frozenset(columns))  # its pictures alone
    if stale:
        with contextlib.suppress(Exception):
            freshness.make_fresh(stale)
    return made
