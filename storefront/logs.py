"""Logging: one logfmt line per event, on stderr, for gunicorn, the worker and the CLI alike.

A line per request (method, path, status, duration) comes from ``init_request_log``; Celery
task start, finish and retry lines from the signal handlers in ``celery_app``.
"""

from __future__ import annotations

import contextvars
import json
import logging
import logging.config
import re
import time

from flask import Flask, Response, g, request

request_log = logging.getLogger("storefront.request")

# What json.dumps leaves as it is but a terminal or a log shipper may still treat as a line
# break or a control: DEL, the C1 controls (NEL among them) and the Unicode line separators.
_UNESCAPED_CONTROLS = re.compile("[\x7f-\x9f\u2028\u2029]")
_BARE = re.compile(r"[A-Za-z0-9_.:/-]+")


def logfmt_quoted(value: object) -> str:
    """A quoted logfmt value that stays on its line and parses back exactly (``json.loads``):
    quotes, backslashes and every control character (C0, DEL, C1) are escaped."""
    quoted = json.dumps(str(value), ensure_ascii=False)  # escapes ", \\ and the C0 controls
    return _UNESCAPED_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def logfmt_value(value: object) -> str:
    """Bare when it is a plain token (GET, 200), else quoted and escaped."""
    text = str(value)
    return text if _BARE.fullmatch(text) else logfmt_quoted(text)


def configure(level: str = "INFO") -> None:
    logging.config.dictConfig({
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "logfmt": {
                "format": "ts=%(asctime)s level=%(levelname)s logger=%(name)s %(message)s",
                "datefmt": "%Y-%m-%dT%H:%M:%S%z",
            },
        },
        "handlers": {
            "stderr": {"class": "logging.StreamHandler", "formatter": "logfmt",
                       "stream": "ext://sys.stderr"},
        },
        "root": {"level": level, "handlers": ["stderr"]},
        "loggers": {
            # gunicorn's own access log would repeat our request line
            "gunicorn.access": {"level": "WARNING"},
            # importing Flask-Migrate makes alembic list its plugins, in every process
            "alembic.runtime.plugins": {"level": "WARNING"},
        },
    })


def init_request_log(app: Flask) -> None:
    if app.config["SQL_COUNT_HEADER"]:
        _count_sql(app)

    @app.before_request
    def start_clock() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response: Response) -> Response:
        started = g.pop("request_started", None)
        duration = (time.perf_counter() - started) * 1000 if started else 0.0
        # everything a client chose is escaped: a CR/LF in it must not start a forged line
        request_log.info(
            "method=%s path=%s status=%d duration_ms=%.1f query=%s user_agent=%s",
            logfmt_value(request.method), logfmt_quoted(request.path), response.status_code,
            duration, logfmt_quoted(request.query_string.decode("utf-8", "backslashreplace")),
            logfmt_quoted(request.headers.get("User-Agent", "")))
        return response


def _count_sql(app: Flask) -> None:
    """Opt-in (benchmarks): an ``X-SQL-Queries`` header with the statements a request ran."""
    from sqlalchemy import event

    from storefront.extensions import db

    # One counter per request, in a context variable rather than ``g``: the page layer
    # renders in an app context of its own, and its queries are this request's too.
    def count(*_: object) -> None:
        counter = _sql_queries.get(None)
        if counter is not None:
            counter[0] += 1

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", count)

    @app.before_request
    def start_count() -> None:
        _sql_queries.set([0])

    @app.after_request
    def sql_header(response: Response) -> Response:
        counter = _sql_queries.get(None)
        response.headers["X-SQL-Queries"] = str(counter[0] if counter else 0)
        return response


_sql_queries: contextvars.ContextVar[list[int]] = contextvars.ContextVar("sql_queries")
