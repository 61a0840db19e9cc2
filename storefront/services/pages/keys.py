"""The name of a catalogue page, spelled once: ``PageKey``.

A page key is how the page layer names a page everywhere it goes: the cache entry and the tag
sets (``str(key)``: ``home``, ``goods:<sku id>``, ``list:<category id>:<sort>:<page>``), the
canonical address nginx maps to a file (``key.url``), and that file's name under
``STATIC_PAGES_DIR`` without its suffix (``key.stem``: ``index``, ``goods/<id>``,
``list/<category>/<sort>-<page>``). deploy/nginx.conf spells the same formats again: its
``$sf_page`` map, and its page locations' file names and Surrogate-Key lines (with the
``$sf_list`` and ``$sf_list_tag`` maps of a list's query); tests/services/pages/
test_page_keys.py sends keys through them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from storefront.services import sorts

LIST_SORTS = sorts.LIST
DEFAULT_SORT = sorts.LIST_DEFAULT

Kind = Literal["home", "goods", "list"]


@dataclass(frozen=True)
class PageKey:
    kind: Kind
    id: int = 0  # the SKU's or the category's
    sort: str = DEFAULT_SORT
    page: int = 1

    @classmethod
    def home(cls) -> PageKey:
        return cls("home")

    @classmethod
    def detail(cls, sku_id: int) -> PageKey:
        return cls("goods", sku_id)

    @classmethod
    def category_list(cls, category_id: int, sort: str = DEFAULT_SORT, page: int = 1) -> PageKey:
        return cls("list", category_id, sort, page)

    def __post_init__(self) -> None:
        if self.kind not in ("home", "goods", "list"):
            raise ValueError(f"not a page kind: {self.kind!r}")
        if self.kind != "home" and self.id < 1:
            raise ValueError(f"a {self.kind} page needs a positive id, not {self.id!r}")
        if self.sort not in LIST_SORTS or self.page < 1:
            raise ValueError(f"not a list sort and page: {self.sort!r}, {self.page!r}")

    @classmethod
    def parse(cls, key: str) -> PageKey:
        """The key ``str(key)`` gave; ValueError for anything else."""
        kind, *args = key.split(":")
        if kind == "home" and not args:
            return cls.home()
        if kind == "goods" and len(args) == 1:
            return cls.detail(_number(args[0]))
        if kind == "list" and len(args) == 3:
            return cls.category_list(_number(args[0]), args[1], _number(args[2]))
        raise ValueError(f"not a page key: {key!r}")

    @classmethod
    def from_stem(cls, stem: str) -> PageKey | None:
        """The key whose file is ``stem`` (relative, without suffix), or None."""
        parts = stem.split("/")
        try:
            if parts == ["index"]:
                return cls.home()
            if len(parts) == 2 and parts[0] == "goods":
                return cls.detail(_number(parts[1]))
            if len(parts) == 3 and parts[0] == "list" and "-" in parts[2]:
                sort, page = parts[2].rsplit("-", 1)  # a sort may have a dash: price-desc-2
                return cls.category_list(_number(parts[1]), sort, _number(page))
        except ValueError:
            return None
        return None

    def __str__(self) -> str:
        if self.kind == "home":
            return "home"
        if self.kind == "goods":
            return f"goods:{self.id}"
        return f"list:{self.id}:{self.sort}:{self.page}"

    @property
    def query(self) -> str:
        """A list page's query string: the defaults left out, ``sort`` before ``page`` (one
        spelling per page, the one nginx knows a file for)."""
        if self.kind != "list":
            return ""
        query = "&".join(p for p in (f"sort={self.sort}" if self.sort != DEFAULT_SORT else "",
                                     f"page={self.page}" if self.page != 1 else "") if p)
        return f"?{query}" if query else ""

    @property
    def url(self) -> str:
        """The page's canonical address, relative to the site's root."""
        if self.kind == "home":
            return "/"
        if self.kind == "goods":
            return f"/goods/{self.id}"
        return f"/list/{self.id}{self.query}"

    @property
    def stem(self) -> str:
        if self.kind == "home":
            return "index"
        if self.kind == "goods":
            return f"goods/{self.id}"
        return f"list/{self.id}/{self.sort}-{self.page}"


def _number(text: str) -> int:
    """A positive decimal integer as a key or a file name spells it, or ValueError."""
    if not text.isascii() or not text.isdigit() or text.startswith("0"):
        raise ValueError(f"not a positive integer: {text!r}")
    return int(text)
