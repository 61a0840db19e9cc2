"""Demo data for ``flask seed-demo``: a hand-written grocery catalogue, or a big synthetic one.

Without sizes the seeder writes six real-looking categories with products, SKUs, gallery
pictures, homepage placements, carousel slides, promotions and a few customers whose
reviews show on the detail pages. Every picture is drawn with Pillow into ``MEDIA_ROOT``, with
its ladder of sizes, and stored as a path relative to it.

With ``--categories N --skus-per-category M`` it generates a catalogue big enough to measure
the pages against: rows go in with bulk inserts and all SKUs share a handful of pictures, so
200 x 50 takes seconds, not minutes.

Both modes are idempotent: what already exists (matched by category name) is left alone.

The parts: ``catalogue`` with ``produce`` and ``counters`` (the hand-written data, shaped
by ``specs``), ``artwork`` (the product art: Twemoji), ``pictures`` (the Pillow composition),
``shapes`` (the fallback without art), ``files`` (writing pictures and their ladders of
sizes), ``handwritten`` and ``synthetic`` (the two modes) and ``common`` (what both add).
"""

from __future__ import annotations

import click

from storefront.demo.handwritten import seed_catalogue
from storefront.demo.offers import add_offers, fill_unit_quantities
from storefront.demo.synthetic import seed_synthetic
from storefront.extensions import db
from storefront.services.pages import freshness

__all__ = ["seed", "seed_catalogue", "seed_synthetic"]


def seed(n_categories: int | None, skus_per_category: int | None) -> str:
    """Seed the demo catalogue and commit; a one-line summary of what was added.

    Both sizes None: the hand-written catalogue. Both given: a synthetic one of that size.
    """
    if (n_categories is None) != (skus_per_category is None):
        raise click.UsageError(
            "Give both --categories and --skus-per-category, or neither for the demo catalogue."
        )
    if n_categories is None or skus_per_category is None:
        summary = seed_catalogue()
        # offers and unit quantities go in even onto a catalogue seeded before they existed
        filled, offers = fill_unit_quantities(), add_offers()
        if filled or offers:
            freshness.record_everything(db.session)  # prices on every page may change
        db.session.commit()
        return summary + (f"; {offers} offers" if offers else "") + (
            f"; unit quantities for {filled} SKUs" if filled else "")
    return seed_synthetic(n_categories, skus_per_category)

