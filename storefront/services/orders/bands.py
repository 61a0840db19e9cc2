"""Stock as shoppers see it: a band, not a number. Pages show the band, so an order makes a
product page stale only when it changes the band ("In stock" stays "In stock" for most
sales), and the page layer is not shaken by every sale (README, "What an order makes stale").
"""

from __future__ import annotations

LOW = 5  # at this many or fewer the page says how many are left


def band(stock: int) -> str:
    """"in", "out", or "low:<n>" (each low count is its own band: the page prints it)."""
    if stock <= 0:
        return "out"
    return f"low:{stock}" if stock <= LOW else "in"


def label(stock: int) -> str:
    if stock <= 0:
        return "Out of stock"
    return f"Only {stock} left" if stock <= LOW else "In stock"
