"""Text as the search index sees it: one normalisation and one segmentation for the
catalogue's rows and for what a shopper types, so both sides always meet.

- NFKC then casefold: full-width letters, ligatures and case do not matter;
- accents stripped (NFKD, combining marks dropped): "café" finds "Cafe";
- jieba, the field's Chinese segmenter, cuts Chinese runs into words (its search mode for
  the catalogue adds the shorter words inside long ones: 赣南脐橙 -> 赣南, 脐橙, 赣南脐橙);
- words with no letter or digit (punctuation, emoji, query syntax like ``"`` ``*`` ``:``)
  are dropped: nothing a shopper types is ever parsed as query syntax.
The index's own analyzer (``ANALYZER``: lower-case, English Snowball stemmer) then makes
"strawberries" and "strawberry" one term.
"""

from __future__ import annotations

import logging
import unicodedata
from functools import cache

import jieba
import tantivy

MAX_QUERY_CHARS = 200  # a longer query is cut here: no product name is longer
MAX_QUERY_WORDS = 8  # more words than any product name needs; bounds the query's cost

jieba.setLogLevel(logging.WARNING)


def warm() -> None:
    """Load jieba's dictionary now (about 0.7 s): a web or worker process does it at start,
    not in the first staff save or search it serves."""
    jieba.initialize()


def normalize(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(c for c in unicodedata.normalize("NFKD", folded)
                   if not unicodedata.combining(c))


def _is_word(token: str) -> bool:
    return any(c.isalnum() for c in token)


def document_words(text: str) -> str:
    """A row's text as the index stores it: words separated by spaces."""
    return " ".join(w for w in jieba.cut_for_search(normalize(text)) if _is_word(w))


def query_words(text: str) -> list[str]:
    """What a shopper typed, as distinct words (precise mode: the words they meant)."""
    words: list[str] = []
    for word in jieba.cut(normalize(text[:MAX_QUERY_CHARS])):
        if _is_word(word) and word not in words:
            words.append(word.strip())
    return [w for w in words if w][:MAX_QUERY_WORDS]


@cache
def analyzer() -> tantivy.TextAnalyzer:
    """The index's analyzer for the text fields (registered under ``ANALYZER``)."""
    return (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace())
            .filter(tantivy.Filter.remove_long(40))
            .filter(tantivy.Filter.lowercase())
            .filter(tantivy.Filter.stemmer("english"))
            .build())


ANALYZER = "storefront"


def stems(word: str) -> list[str]:
    """The index terms of one query word (what ``analyzer`` makes of it)."""
    return analyzer().analyze(word)


def is_cjk(word: str) -> bool:
    return any("\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff" for c in word)
