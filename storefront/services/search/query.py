"""Product search: what a shopper asked for (``Query``), and the results page's data.

The index (``services.search_index``) finds and ranks SKU ids and counts the facets; the
cards come from ``services.catalog`` (so a SKU the index still lists but the database no
longer sells is never shown). Relevance: every word typed must match somewhere; a match in
the SKU name counts most, then the product's name, the SKU's title, and the detail text;
a misspelt word also matches words within one or two edits (and a word's beginning).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import tantivy
from flask import current_app
from sqlalchemy import func, select

from storefront.extensions import db
from storefront.models import Goods, GoodsSKU
from storefront.services import catalog, sorts, validate
from storefront.services.pages import tags as tag
from storefront.services.pagination import Page
from storefront.services.search import index as search_index
from storefront.services.search import synonyms
from storefront.services.search import text as search_text

SORTS = sorts.SEARCH
FIELD_BOOSTS = (("name", 4.0), ("goods", 3.0), ("title", 2.0), ("detail", 1.0))
FUZZY_BOOST = 0.5  # a near match counts, below any exact one in the same field
PRICE_BANDS = ((None, 10), (10, 20), (20, 50), (50, 100), (100, None))
CATEGORY_FACETS = 12  # the categories with the most matches; a longer list helps nobody
_PRICE = re.compile(r"[0-9]{1,7}(?:\.[0-9]{1,2})?")


@dataclass(frozen=True)
class Query:
    q: str = ""
    category: int | None = None
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    in_stock: bool = False
    sort: str = sorts.SEARCH_DEFAULT
    page: int = 1

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> Query:
        """The query string as asked; a value that is not what its field takes is ignored
        (a shopper's typo in a URL gets the search without it, never an error)."""
        sort = args.get("sort", sorts.SEARCH_DEFAULT)
        sort = sorts.OLD_SPELLINGS.get(sort, sort)  # the view answers those with a 301
        return cls(q=args.get("q", "").strip()[:search_text.MAX_QUERY_CHARS * 5],
                   category=validate.positive_int(args.get("category")),
                   min_price=_price(args.get("min_price")),
                   max_price=_price(args.get("max_price")),
                   in_stock=args.get("in_stock") in ("1", "on", "true"),
                   sort=sort if sort in SORTS else sorts.SEARCH_DEFAULT,
                   page=validate.positive_int(args.get("page", "1")) or 1)

    def url(self, **changes: Any) -> str:
        """This search's address with ``changes``; defaults left out, a new filter or sort
        goes back to page 1."""
        if "page" not in changes:
            changes["page"] = 1
        query = replace(self, **changes)
        params = {"q": query.q, "category": query.category, "min_price": query.min_price,
                  "max_price": query.max_price, "in_stock": 1 if query.in_stock else None,
                  "sort": None if query.sort == sorts.SEARCH_DEFAULT else query.sort,
                  "page": None if query.page == 1 else query.page}
        return "/search?" + urlencode({k: v for k, v in params.items() if v is not None})


def _price(raw: str | None) -> Decimal | None:
    return Decimal(raw) if raw and _PRICE.fullmatch(raw) else None


def results(query: Query) -> dict[str, Any] | None:
    """The results page's data; None for a page past the last. ``search_index.Unavailable``
    when the index cannot be read."""
    words = search_text.query_words(query.q)
    data: dict[str, Any] = {
        "query": query, "words": words, "sorts": sorts.choices(sorts.SEARCH),
        "shortened": len(query.q) > search_text.MAX_QUERY_CHARS, "suggestion": None,
        "facets": None, "page": None, "tags": [tag.ALL, tag.NAV, tag.SEARCH]}
    data["categories"] = catalog.list_categories()  # the category bar, as on every aisle
    if not words:
        data["popular"] = popular_searches()
        return data
    searcher = search_index.searcher()
    text = _text_query(words)
    size = current_app.config["LIST_PAGE_SIZE"]
    if (query.page - 1) * size >= max(searcher.num_docs, 1):
        # past the last page whatever matches: answered without the engine, which reserves
        # memory for every result it skips (a huge page aborted the whole worker natively)
        return None
    found = _search(searcher, _filtered(text, query), query.sort, size, (query.page - 1) * size)
    if not found.hits and query.page > 1:
        return None
    ids = [searcher.doc(address)["id"][0] for _, address in found.hits]
    data["page"] = Page(catalog.skus_in_order(ids), query.page, size, found.count)
    data["facets"] = _facets(searcher, _filtered(text, query))
    data["suggestion"] = _suggestion(searcher, words)
    if not found.count:  # somewhere to go from a page of nothing
        data["popular"] = popular_searches()
    return data


def popular_searches(limit: int = 6) -> list[str]:
    """What to offer a shopper whose search found nothing: the names of the best-selling
    products, in English and (the first few) in Chinese; each finds its product."""
    rows = db.session.execute(
        select(Goods.name, Goods.name_zh).join(GoodsSKU.goods)
        .where(GoodsSKU.on_sale).group_by(Goods.id, Goods.name, Goods.name_zh)
        .order_by(func.sum(GoodsSKU.sales).desc(), Goods.id).limit(limit)).all()
    chinese = [zh for _, zh in rows if zh][:limit // 2]
    return [name for name, _ in rows][:limit - len(chinese)] + chinese


def ranked_ids(text: str, limit: int = 10) -> list[int]:
    """The ids of the ``limit`` most relevant SKUs for ``text`` (the engine alone: the
    bench's comparison of engines asks this of each)."""
    words = search_text.query_words(text)
    if not words:
        return []
    searcher = search_index.searcher()
    hits = searcher.search(_text_query(words), limit, count=False).hits
    return [searcher.doc(address)["id"][0] for _, address in hits]


def suggestions(text: str, limit: int = 5) -> list[str]:
    """The names of the SKUs that best match what is typed so far (the box's autocomplete:
    a word's beginning matches too)."""
    return [card["name"] for card in catalog.skus_in_order(ranked_ids(text, limit))]


def _word_clauses(schema: tantivy.Schema, word: str) -> list[tuple[tantivy.Occur, tantivy.Query]]:
    """One typed word: its terms in any field, exactly (boosted per field), as the start of
    a longer word, or (four letters and more) within one or two edits."""
    should, make = tantivy.Occur.Should, tantivy.Query
    clauses = []
    for term in search_text.stems(word):
        clauses += [(should, make.boost_query(make.term_query(schema, field, term), boost))
                    for field, boost in FIELD_BOOSTS]
        if search_text.is_cjk(term) or len(word) < 3:
            continue
        near = [(0, True)] + ([(1 if len(word) < 8 else 2, False)] if len(word) >= 4 else [])
        clauses += [(should, make.boost_query(
            make.fuzzy_term_query(schema, field, term, distance, True, prefix),
            boost * FUZZY_BOOST)) for distance, prefix in near for field, boost in FIELD_BOOSTS[:3]]
    return clauses


def _text_query(words: list[str]) -> tantivy.Query:
    """Every word must match (in any field, exactly or nearly), or one of its synonyms."""
    schema, known = search_index.schema(), synonyms.groups()
    musts = [(tantivy.Occur.Must, tantivy.Query.boolean_query(clauses))
             for clauses in (_synonym_clauses(schema, w, known) for w in words) if clauses]
    return tantivy.Query.boolean_query(musts) if musts else tantivy.Query.empty_query()


def _synonym_clauses(schema: tantivy.Schema, word: str, known: list[list[str]]
                     ) -> list[tuple[tantivy.Occur, tantivy.Query]]:
    """The word's own clauses, or (in a synonym group) any of the group's words, each of
    them whole: "pak choi" needs both its words."""
    others = synonyms.alternatives(word, known)[1:]
    if not others:
        return _word_clauses(schema, word)
    should, must, make = tantivy.Occur.Should, tantivy.Occur.Must, tantivy.Query
    own = _word_clauses(schema, word)
    clauses = [(should, make.boolean_query(own))] if own else []
    for other in others:
        parts = [make.boolean_query(c) for c in
                 (_word_clauses(schema, w) for w in search_text.query_words(other)) if c]
        if parts:
            clauses.append((should, make.boolean_query([(must, part) for part in parts])))
    return clauses


def _filtered(text: tantivy.Query, query: Query) -> tantivy.Query:
    schema, must = search_index.schema(), tantivy.Occur.Must
    clauses = [(must, text)]
    if query.category is not None:
        clauses.append((must, tantivy.Query.term_query(schema, "category", query.category)))
    if query.min_price is not None or query.max_price is not None:
        clauses.append((must, tantivy.Query.range_query(
            schema, "price", tantivy.FieldType.Float,
            None if query.min_price is None else float(query.min_price),
            None if query.max_price is None else float(query.max_price))))
    if query.in_stock:
        clauses.append((must, tantivy.Query.term_query(schema, "in_stock", True)))
    return tantivy.Query.boolean_query(clauses)


def _search(searcher: tantivy.Searcher, query: tantivy.Query, sort: str, limit: int,
            offset: int) -> tantivy.SearchResult:
    if sort == sorts.SEARCH_DEFAULT:
        return searcher.search(query, limit, count=True, offset=offset)
    field = "sales" if sort == sorts.SALES else "price"
    order = tantivy.Order.Asc if sort == sorts.PRICE else tantivy.Order.Desc
    return searcher.search(query, limit, count=True, offset=offset, order_by_field=field,
                           order=order)


def _facets(searcher: tantivy.Searcher, query: tantivy.Query) -> dict[str, Any]:
    """Counts of the matching SKUs per category, price band and in stock: one pass."""
    ranges = [{k: v for k, v in (("from", lo), ("to", hi)) if v is not None}
              for lo, hi in PRICE_BANDS]
    counted = searcher.aggregate(query, {
        "category": {"terms": {"field": "category", "size": CATEGORY_FACETS}},
        "price": {"range": {"field": "price", "ranges": ranges}},
        "stock": {"terms": {"field": "in_stock"}}})
    names = catalog.category_names(int(b["key"]) for b in counted["category"]["buckets"])
    by_category = [{"id": int(b["key"]), "name": names[int(b["key"])], "count": b["doc_count"]}
                   for b in counted["category"]["buckets"] if int(b["key"]) in names]
    prices = [{"min": lo, "max": hi, "count": b["doc_count"]}
              for (lo, hi), b in zip(PRICE_BANDS, counted["price"]["buckets"], strict=True)]
    in_stock = sum(b["doc_count"] for b in counted["stock"]["buckets"] if b["key"] == 1)
    return {"categories": sorted(by_category, key=lambda c: (-c["count"], c["name"])),
            "more_categories": counted["category"]["sum_other_doc_count"] > 0,
            "prices": prices, "in_stock": in_stock}


def _suggestion(searcher: tantivy.Searcher, words: list[str]) -> str | None:
    """The query with each word no product has replaced by the nearest word one has."""
    changed, better = False, []
    for word in words:
        known_word = any(searcher.doc_freq(field, term) for term in search_text.stems(word)
                         for field in search_index.TEXT_FIELDS)
        if known_word or search_text.is_cjk(word) or len(word) < 3:
            better.append(word)
            continue
        known = [t for t, _ in searcher.terms_with_prefix("words", word[:2])]
        near = difflib.get_close_matches(word, known, n=1, cutoff=0.75)
        changed |= bool(near)
        better.append(near[0] if near else word)
    return " ".join(better) if changed else None
