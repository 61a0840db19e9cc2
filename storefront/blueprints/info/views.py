"""The shop's own pages that the footer links to: about us, delivery, the freshness promise."""

from __future__ import annotations

from flask import Blueprint, render_template

from storefront.services import catalog

bp = Blueprint("info", __name__)


def _page(template: str) -> str:
    # the category bar too, so a shopper reading about delivery is one click from the aisles
    return render_template(template, categories=catalog.list_categories())


@bp.get("/about")
def about() -> str:
    return _page("info/about.html")


@bp.get("/delivery")
def delivery() -> str:
    return _page("info/delivery.html")


@bp.get("/freshness")
def freshness() -> str:
    return _page("info/freshness.html")
