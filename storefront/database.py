"""Database settings that SQLAlchemy cannot express in a URL.

SQLite ignores foreign keys unless each connection turns them on. Without them a deleted
SKU left its carousel slides, tiles and gallery rows behind, and SQLite gave the deleted
id to the next SKU created, which then inherited all of them. MariaDB (InnoDB) always
enforces them; the embedded database must refuse the same rows.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from flask import Flask
from sqlalchemy import event

from storefront.extensions import db


def init_app(app: Flask) -> None:
    with app.app_context():
        engines = list(db.engines.values())
    for engine in engines:
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _foreign_keys_on)


def _foreign_keys_on(dbapi_connection: Any, connection_record: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
