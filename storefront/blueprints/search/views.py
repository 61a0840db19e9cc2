"""/search: parse, ask the page layer, send (a 503 page when the index cannot be read)."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, jsonify, redirect, render_template, request
from werkzeug.exceptions import ServiceUnavailable

from storefront.blueprints.edge.views import send_page
from storefront.services import sorts
from storefront.services.pages import render as pages
from storefront.services.search import query as search_service
from storefront.services.search import text as search_text
from storefront.services.search.query import Query

log = logging.getLogger(__name__)

bp = Blueprint("search", __name__)


@bp.get("/search")
def search() -> Response | tuple[str, int, dict[str, str]]:
    query = Query.from_args(request.args)
    if request.args.get("sort") in sorts.OLD_SPELLINGS:  # from_args read it as its new name
        return redirect(query.url(page=query.page), 301)
    try:
        return send_page(lambda: pages.search(query), lambda: pages.personal_search(query))
    except pages.Unavailable:
        log.error("search unavailable", exc_info=True)
        return render_template("errors/error.html", error=ServiceUnavailable(
            "Search is unavailable for a moment: please try again shortly, or browse the "
            "categories meanwhile.")), 503, {"Retry-After": "30"}


@bp.get("/search/suggest")
def suggest() -> tuple[Response, int]:
    """Up to five SKU names for the header box's autocomplete (optional: the box works
    without it)."""
    text = request.args.get("q", "")[:search_text.MAX_QUERY_CHARS]
    try:
        names = search_service.suggestions(text) if len(text.strip()) >= 2 else []
    except pages.Unavailable:
        return jsonify(names=[]), 503
    return jsonify(names=names), 200
