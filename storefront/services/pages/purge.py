"""Who hears that pages went stale, chosen once per app from config (``init_app``, called by
``create_app``), in the manner of Warehouse's ``cache/origin``: one interface, a few
implementations, and the choice made at start instead of an ``if`` at every call site.

After a commit, freshness has dropped the cached pages and removed this node's files; then
it tells each chosen target once, with everything the commit made stale:
- ``pages``: the stale page keys (``None``: every page);
- ``search``: the search rows that changed (``search_rows.items``), for the nodes'
  search indexes.
At a price boundary (services/offers/schedule.py) each node's guard has removed its own
files of the pages whose prices changed; it tells each target ``boundary(pages)``.

Targets (``PAGES_PURGE``, a comma list; empty: derived from the other settings):
- ``files``: one machine; this node's worker writes the pages' files again.
- ``cluster``: several nodes (``PAGES_BROADCAST_QUEUE``): one entry per page and search row
  in the log in Redis and one broadcast, so each node removes and rewrites its own files
  and updates its own index (``freshness.catch_up``).
- ``cdn``: a CDN in front (``PAGES_CDN_PURGE_URL``): the worker POSTs the pages' surrogate
  keys (``page:<key>``, ``all`` for every page, ``search`` for the results pages) there, as
  nginx names them in each page's ``Surrogate-Key``. At a price boundary the guard POSTs
  them itself, at that moment: nginx sends a file with one ``s-maxage`` for all (it cannot
  say how long each file has until its boundary), so the CDN's copy must go by purge.
- ``none``: nobody (a node that serves no page files).
"""

from __future__ import annotations

import logging
import urllib.request
from collections.abc import Iterable
from typing import Protocol

from flask import Flask, current_app

from storefront.services.pages import freshness, renders, tags

log = logging.getLogger(__name__)


class ConfigError(ValueError):
    pass


class Target(Protocol):
    def purge(self, pages: set[str] | None, search: set[str], files_here: bool = True) -> None:
        """Everything one commit made stale (``pages`` None: every page); ``files_here``
        False when this node had no page file at all (nothing of its own to write again)."""

    def sweep(self) -> None:
        """The safety net's turn (beat): make up for a message this node may have missed."""

    def boundary(self, pages: set[str]) -> None:
        """These pages' prices changed just now (an offer started or ended)."""


class Nobody:
    def purge(self, pages: set[str] | None, search: set[str], files_here: bool = True) -> None:
        return None

    def sweep(self) -> None:
        return None

    def boundary(self, pages: set[str]) -> None:
        return None


class LocalFiles(Nobody):
    """One machine: its own worker writes the pages again (and updates its search index:
    freshness queues that for every target)."""

    def purge(self, pages: set[str] | None, search: set[str], files_here: bool = True) -> None:
        if pages is None:
            if files_here:  # a node that had no file (none written yet) has none to rewrite
                renders.schedule_warm()
        else:
            renders.schedule_render(pages)

    def boundary(self, pages: set[str]) -> None:
        renders.schedule_render(pages)


class ClusterBroadcast(Nobody):
    """Several nodes: one announcement per commit, pages and search rows together."""

    def purge(self, pages: set[str] | None, search: set[str], files_here: bool = True) -> None:
        items = ({freshness.EVERYTHING} if pages is None else set(pages)) | search
        if items:
            freshness.announce(items)

    def sweep(self) -> None:
        freshness.catch_up()  # in case this node missed a broadcast

    def boundary(self, pages: set[str]) -> None:
        # no announcement: every node keeps its own files' boundaries (each wrote its own
        # markers), so each renders its own pages again
        renders.schedule_render(pages)


class SurrogateKeyPurge(Nobody):
    """A CDN that purges by surrogate key (Fastly-style): the worker sends the request, so a
    slow CDN never holds up the staff member's save."""

    def purge(self, pages: set[str] | None, search: set[str], files_here: bool = True) -> None:
        keys = surrogate_keys(pages, search)
        if keys:
            renders.send_task("storefront.tasks.purge_cdn", args=[sorted(keys)])

    def boundary(self, pages: set[str]) -> None:
        """Now, from the guard (the worker's queue may be behind, or Redis down); the task,
        which retries, only if the CDN did not answer. Each node's guard sends it: a purge
        twice is harmless, a purge missed keeps the old price up to ``s-maxage``."""
        keys = sorted(surrogate_keys(pages, set()))
        try:
            send_cdn_purge(keys)
        except OSError:
            log.warning("CDN purge at a price boundary failed; queued to retry", exc_info=True)
            renders.send_task("storefront.tasks.purge_cdn", args=[keys])


def surrogate_keys(pages: set[str] | None, search: set[str]) -> set[str]:
    found = {tags.ALL} if pages is None else {tags.page(key) for key in pages}
    return found | ({tags.SEARCH} if search else set())


TARGETS: dict[str, type[Nobody]] = {"files": LocalFiles, "cluster": ClusterBroadcast,
                                    "cdn": SurrogateKeyPurge, "none": Nobody}


def chosen(config: dict) -> list[str]:
    """The targets' names: ``PAGES_PURGE`` if set, else what the other settings imply."""
    if config["PAGES_PURGE"]:
        names = [n.strip() for n in config["PAGES_PURGE"].split(",") if n.strip()]
    else:
        names = ["cluster" if config["PAGES_BROADCAST_QUEUE"] else "files"]
        names += ["cdn"] if config["PAGES_CDN_PURGE_URL"] else []
    unknown = [n for n in names if n not in TARGETS]
    if unknown:
        raise ConfigError(f"PAGES_PURGE: unknown target(s) {unknown}; known: {sorted(TARGETS)}")
    if "cdn" in names and not config["PAGES_CDN_PURGE_URL"]:
        raise ConfigError("PAGES_PURGE names cdn, but PAGES_CDN_PURGE_URL is not set")
    return names


def init_app(app: Flask) -> None:
    app.extensions["page_purge"] = [TARGETS[name]() for name in chosen(app.config)]


def _targets() -> Iterable[Target]:
    return current_app.extensions["page_purge"]


def sweep() -> None:
    for target in _targets():
        target.sweep()


def boundary(pages: set[str]) -> None:
    for target in _targets():
        target.boundary(pages)


CDN_TIMEOUT_SECONDS = 5


def send_cdn_purge(keys: list[str]) -> None:
    """One POST to ``PAGES_CDN_PURGE_URL`` naming ``keys`` in its ``Surrogate-Key`` header
    (the worker's task; an error makes it retry)."""
    config = current_app.config
    headers = {"Surrogate-Key": " ".join(keys)}
    if config["PAGES_CDN_PURGE_TOKEN"]:
        headers["Fastly-Key"] = config["PAGES_CDN_PURGE_TOKEN"]
    request = urllib.request.Request(config["PAGES_CDN_PURGE_URL"], method="POST",  # noqa: S310
                                     headers=headers, data=b"")
    with urllib.request.urlopen(request, timeout=CDN_TIMEOUT_SECONDS) as response:  # noqa: S310
        response.read()
