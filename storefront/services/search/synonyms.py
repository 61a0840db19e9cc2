"""Staff's synonym groups ("milk, 牛奶, 鲜奶"; the admin's "Search synonyms"), applied when a
shopper searches: a typed word that belongs to a group stands for every word of the group.

At query time, not at indexing, so a group staff add works for the next search, with no
reindex: the results pages kept for everybody are kept under ``version()`` too.
Words meet as the index's words do: normalised the same way and compared by their stems, so
"prawns" is in the group that says "prawn".
"""

from __future__ import annotations

import re

from sqlalchemy import func, select

from storefront.extensions import db
from storefront.models import SearchSynonym
from storefront.services.search import text as search_text

# commas of both widths and the Chinese enumeration comma separate a group's words
SEPARATORS = re.compile(r"[,，、;；\n]+")


def groups() -> list[list[str]]:
    """Every group, as its normalised words (each maybe several words: "pak choi")."""
    rows = db.session.scalars(select(SearchSynonym.words).order_by(SearchSynonym.id))
    found = []
    for row in rows:
        words = [" ".join(search_text.normalize(w).split()) for w in SEPARATORS.split(row)]
        words = [w for w in words if w]
        if len(words) > 1:
            found.append(words)
    return found


def _key(word: str) -> tuple[str, ...]:
    return tuple(stem for part in word.split() for stem in search_text.stems(part))


def alternatives(word: str, known: list[list[str]]) -> list[str]:
    """``word`` first, then the other words of every group it is in."""
    key, out = _key(word), [word]
    for group in known:
        if any(_key(w) == key for w in group):
            out += [w for w in group if w not in out and _key(w) != key]
    return out


def version() -> tuple:
    """Changes whenever a group is added, edited or deleted: part of the name results
    pages are kept under (services/pages/render.py), so none outlives a synonym edit."""
    row = db.session.execute(select(func.count(), func.max(SearchSynonym.updated_at),
                                    func.max(SearchSynonym.id))).one()
    return tuple(row)
