"""The static homepage: rendered as an anonymous visitor sees it, written so that no reader
ever sees half a file."""

from __future__ import annotations

import gzip
import os
import tempfile
from pathlib import Path

from flask import current_app, render_template

from storefront import page_cache

INDEX_FILE = "index.html"


def render_index_html() -> str:
    """The homepage with the same data and templates as the live one, for nobody in
    particular: no session, no cart, no CSRF token.

    The data comes fresh from the database and refreshes the cache entry on the way, so a
    render also repairs an entry that a failed invalidation left stale.
    """
    data = page_cache.refresh_index()
    with current_app.test_request_context("/"):
        return render_template("static_index.html", **data)


def write_index_html() -> Path:
    """Render and publish ``index.html`` and its gzip twin (for nginx's gzip_static)."""
    html = render_index_html().encode()
    folder = Path(current_app.config["STATIC_PAGES_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    # The .gz first: nginx prefers it, and it is never older than the page beside it.
    write_atomically(folder / (INDEX_FILE + ".gz"), gzip.compress(html, mtime=0))
    return write_atomically(folder / INDEX_FILE, html)


def write_atomically(path: Path, content: bytes) -> Path:
    """Temp file in the same folder, fsync, mode 0644, then one rename over the old file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)
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
