"""The one sort vocabulary of the category list and search (SPEC: ``/list/<id>?sort=``
shares it with ``/search?sort=``). Each name is what the address, the page key, the page
file (``list/<category>/<sort>-<page>``) and nginx's ``$sf_page`` map say: a new sort needs
its name in that map too (tests/services/pages/test_page_keys.py fails until it has it).

Each page has a default of its own, left out of its address: the list shows the newest
first, search the most relevant. The names before this vocabulary answer 301 to the new ones.
"""

from __future__ import annotations

PRICE = "price"  # cheapest first
PRICE_DESC = "price-desc"  # dearest first
SALES = "sales"  # best sellers first

LIST_DEFAULT = "default"  # newest first
SEARCH_DEFAULT = "relevance"

LIST = (LIST_DEFAULT, PRICE, PRICE_DESC, SALES)
SEARCH = (SEARCH_DEFAULT, PRICE, PRICE_DESC, SALES)

# what the list (``hot``) and search (``-price``) called a sort before they shared one name
OLD_SPELLINGS = {"hot": SALES, "-price": PRICE_DESC}

LABELS = {LIST_DEFAULT: "Newest", SEARCH_DEFAULT: "Relevance", PRICE: "Price: low to high",
          PRICE_DESC: "Price: high to low", SALES: "Best sellers"}


def choices(names: tuple[str, ...]) -> list[tuple[str, str]]:
    """(name, label) for a sort bar, in the order given."""
    return [(name, LABELS[name]) for name in names]
