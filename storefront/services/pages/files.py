"""Catalogue pages on disk, for nginx to send without asking Python.

For each page (``services.pages``) the worker writes, in ``STATIC_PAGES_DIR``:
- ``<page>.html``, the one page for every visitor (the visitor's own parts inert in it, for
  the browser's script or nginx's SSI to fill in: templates/_edge.html), with ``.gz`` and
  ``.br`` twins for nginx's gzip_static and brotli_static.
``<page>`` is the key's ``PageKey.stem`` (deploy/nginx.conf maps each canonical URL to it).
Files are replaced by one rename, so a reader sees the old page or the new one, never half
of one; a stale page's files are removed after the commit that made it stale, and nginx
asks the app until the worker has written the new ones.
"""

from __future__ import annotations

import contextlib
import gzip
import logging
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

import brotli
from flask import current_app

from storefront.services.pages.cache import Entry
from storefront.services.pages.keys import PageKey

log = logging.getLogger(__name__)

# what nginx sends first when it is there goes first and goes last: a twin is never older
# than the page it stands for while it is being replaced
_SUFFIXES = (".html.br", ".html.gz", ".html")
# the signed-in copy of the release before, which nginx no longer reads: removed with its page
_GONE = (".shtml",)


def folder() -> Path:
    return Path(current_app.config["STATIC_PAGES_DIR"])


def stem(key: str) -> str:
    return PageKey.parse(key).stem


def key_of(path: Path) -> str | None:
    """The page key of an anonymous page file (the inverse of ``stem``), or None."""
    page = PageKey.from_stem(path.relative_to(folder()).with_suffix("").as_posix())
    return None if page is None else str(page)


def on_disk() -> set[str]:
    """Keys of the pages that have an anonymous file now, from the names alone: no ``stat``,
    no parse (the sweep's look at every page, each minute, so it costs a directory listing).
    A name that is no page's gives a key no page has: ``PageKey.parse`` refuses it."""
    root = folder()
    found = {"home"} if (root / "index.html").exists() else set()
    with contextlib.suppress(FileNotFoundError):
        found.update("goods:" + e.name[:-5] for e in os.scandir(root / "goods")
                     if e.name.endswith(".html"))
    with contextlib.suppress(FileNotFoundError):
        for category in os.scandir(root / "list"):
            if category.is_dir():
                found.update(f"list:{category.name}:" + ":".join(e.name[:-5].rsplit("-", 1))
                             for e in os.scandir(category.path) if e.name.endswith(".html"))
    return found


def stamp(key: str) -> float | None:
    """When the render of the page's file began to read the rows (its mtime: ``write``), or
    None without a file."""
    try:
        return path_of(key).stat().st_mtime
    except OSError:
        return None


def path_of(key: str, suffix: str = ".html") -> Path:
    return folder() / (stem(key) + suffix)


# Measured on the demo homepage (59.7 KB): quality 11 makes 5,486 B in 73 ms, 9 6,113 B in
# 7 ms, 6 6,214 B in 0.8 ms, 5 6,257 B in 0.7 ms. Every edit and every sweep pays the
# compression once per page, a shopper the bytes on each visit: 6 is within 730 B (1.2 % of
# the page) of 11 for 1 % of its time, which keeps renders after an edit and the sweep's
# rewrites cheap. gzip (old clients only): level 9, 6,937 B in 0.7 ms.
BROTLI_QUALITY = 6


def write(entry: Entry, read_at: float | None = None) -> Path:
    """Publish the page's files; returns the anonymous page's path. ``read_at``, when the
    render began to read the rows, becomes the files' mtime: the stamp the sweep holds
    against the rows' ``updated_at`` (services/pages/sweep.py)."""
    page = entry.html.encode()
    contents = {
        ".html.br": brotli.compress(page, mode=brotli.MODE_TEXT, quality=BROTLI_QUALITY),
        ".html.gz": gzip.compress(page, compresslevel=9, mtime=0),
        ".html": page,
    }
    path = path_of(entry.key)
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in _SUFFIXES:
        write_atomically(path_of(entry.key, suffix), contents[suffix], mtime=read_at)
    return path


def remove(keys: Iterable[str]) -> None:
    """The pages' files go (the plain page first: nginx then asks the app at once)."""
    for key in keys:
        for suffix in (*reversed(_SUFFIXES), *_GONE):
            path_of(key, suffix).unlink(missing_ok=True)


def remove_all() -> bool:
    """Every page file goes (a change that shows on every page, such as the category nav).
    True when there was one: a node that had none has nothing to write again."""
    had = False
    for suffix in (*reversed(_SUFFIXES), *_GONE):
        home = path_of("home", suffix)
        had = home.exists() or had
        home.unlink(missing_ok=True)
    for sub in ("goods", "list"):
        # renamed away first, so nginx never serves from a folder half deleted
        target = folder() / sub
        if target.is_dir():
            had = True
            doomed = folder() / f".{sub}.doomed.{os.getpid()}"
            os.replace(target, doomed)
            shutil.rmtree(doomed, ignore_errors=True)
    return had


def write_atomically(path: Path, content: bytes, mtime: float | None = None) -> Path:
    """Temp file in the same folder, fsync, mode 0644 (and ``mtime`` if given), then one
    rename over the old file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)
        if mtime is not None:
            os.utime(tmp, (mtime, mtime))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)  # the rename itself survives a crash
    finally:
        os.close(dir_fd)
    return path
