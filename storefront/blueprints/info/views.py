"""The shop's own pages that the footer links to: about us, delivery, the freshness promise."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("info", __name__)


@bp.get("/about")
def about() -> str:
    return render_template("info/about.html")


@bp.get("/delivery")
def delivery() -> str:
    return render_template("info/delivery.html")


@bp.get("/freshness")
def freshness() -> str:
    return render_template("info/freshness.html")
