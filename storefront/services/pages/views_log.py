"""Product views that nginx served from the files, into the shoppers' histories.

A signed-in visitor's product page is the shared file filled in by nginx (no Python), so
nginx writes each such view to a log of its own (deploy/nginx.conf, ``sf_views``: the time,
the page, the visitor's ``sf_seen`` cookie), and a thread in the Celery worker reads what is
new every ``VIEWS_LOG_SECONDS`` (``start``). A view counts only when the cookie is one the
shop signed (web/visitor.py) and its session is still valid (the account's session version,
from the user cache): a sign-out ends it as it ends the session.

The reader starts at the end of the file (views logged while no worker ran are not
replayed) and starts over when the file is replaced (log rotation).
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass

from flask import Flask, current_app
from itsdangerous import BadSignature, URLSafeSerializer

from storefront.services import loops, validate
from storefront.services.accounts import users as accounts
from storefront.services.cart import shopper

log = logging.getLogger(__name__)

MAX_READ = 1 << 20  # bytes per round: a burst is read over a few rounds
SEEN_SALT = "storefront-product-views"


def seen_token(session_id: str) -> str:
    """The ``sf_seen`` cookie of a session ("<user id>:<session version>"), signed."""
    return URLSafeSerializer(current_app.secret_key, salt=SEEN_SALT).dumps(session_id)


def session_of_seen(token: str) -> str | None:
    """The session id a ``sf_seen`` value stands for, or None if the shop did not sign it."""
    try:
        value = URLSafeSerializer(current_app.secret_key, salt=SEEN_SALT).loads(token)
    except BadSignature:
        return None
    return value if isinstance(value, str) else None


@dataclass
class Position:
    inode: int = -1
    offset: int = 0


def read_new(path: str, position: Position) -> int:
    """Record the views logged since ``position`` (moved on); how many were recorded."""
    try:
        with open(path, "rb") as log_file:
            inode = os.fstat(log_file.fileno()).st_ino
            if inode != position.inode:  # first look, or a new file: from its start after
                size = os.fstat(log_file.fileno()).st_size
                position.offset = size if position.inode == -1 else 0
                position.inode = inode
            log_file.seek(position.offset)
            chunk = log_file.read(MAX_READ)
    except FileNotFoundError:  # not written yet: read it from its start when it is
        position.inode = 0
        return 0
    complete = chunk.rfind(b"\n") + 1  # a line nginx is still writing waits for next round
    position.offset += complete
    return sum(record(line) for line in chunk[:complete].decode("utf-8", "replace").splitlines())


def record(line: str) -> bool:
    """One logged view into its shopper's history, if the cookie and the session hold."""
    parts = line.split(" ")
    if len(parts) != 3 or not parts[1].startswith("/goods/"):
        return False
    sku_id = validate.positive_int(parts[1].removeprefix("/goods/"))
    session_id = session_of_seen(parts[2])
    user = accounts.load_session_user(session_id) if session_id and sku_id else None
    if user is None:
        return False
    shopper.record_view(user.id, sku_id)
    return True


def start(app: Flask) -> threading.Thread | None:
    """The reader thread (the Celery worker, at worker_ready), if ``VIEWS_LOG`` is set."""
    path, every = app.config["VIEWS_LOG"], float(app.config["VIEWS_LOG_SECONDS"])
    if not path:
        return None
    position = Position()

    return loops.every(app, every, lambda: read_new(path, position), "views-log",
                       "reading the log of product views failed")
