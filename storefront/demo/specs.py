"""The shapes of the hand-written demo catalogue's data."""

from __future__ import annotations

from typing import NamedTuple


class SkuSpec(NamedTuple):
    name: str
    title: str
    price: str  # a string, so it becomes an exact Decimal
    unit: str
    stock: int
    sales: int
    on_sale: bool = True


class GoodsSpec(NamedTuple):
    name: str
    detail: str
    skus: tuple[SkuSpec, ...]
    art: str = ""  # the emoji its pictures show (demo/artwork.py)
    reviews: tuple[str, ...] = ()  # what the demo customers said about it


class CategorySpec(NamedTuple):
    name: str
    logo: str  # the CSS class of the nav icon; also picks the picture's colours and shape
    goods: tuple[GoodsSpec, ...]
    art: str = ""  # its banner's emoji: a few of its products


def prose(*paragraphs: str) -> str:
    return "\n\n".join(paragraphs)
