"""The search rows a commit changed, as the page layer carries them: items
``search:<kind>:<id>`` (``search:*``: rebuild it all). Each node keeps an index of its own
(services/search/index.py). The committing node's rows gather in its queue of search updates
(``renders.SEARCH``): one task of its worker updates the index for whatever gathered while it
waited to start. They ride in the cluster's log with the stale pages too
(``freshness.announce``), from which every node's listener updates its own index at once
(``freshness.catch_up``: its worker may be busy with a warm).
"""

from __future__ import annotations

from storefront.services.pages import renders

PREFIX = "search:"
ALL = PREFIX + "*"
_KINDS = ("sku", "goods", "category")

Rows = tuple[set[int], set[int], set[int]]  # SKU, product and category ids


def items(rows: Rows, everything: bool) -> set[str]:
    if everything:
        return {ALL}
    return {f"{PREFIX}{kind}:{i}" for kind, ids in zip(_KINDS, rows, strict=True) for i in ids}


def rows_of(found: set[str]) -> Rows:
    rows: Rows = (set(), set(), set())
    for item in found:
        kind, _, number = item[len(PREFIX):].partition(":")
        if kind in _KINDS and number.isdigit():
            rows[_KINDS.index(kind)].add(int(number))
    return rows


def schedule(found: set[str]) -> None:
    """Have this node's worker update its index for these items, with whatever gathers
    meanwhile. Redis down: in a task of their own, as each commit did before the queue."""
    if not renders.gather(renders.SEARCH, found):
        renders.send_task(renders.SEARCH.task,
                          args=[*map(sorted, rows_of(found)), ALL in found])
