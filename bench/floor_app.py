"""The bytes-from-memory floor: a bare Flask app whose one view returns a body held in
memory, served by the same gunicorn config and settings as the shop
(``gunicorn -c deploy/gunicorn.conf.py bench.floor_app:app``).

``/bytes/<n>`` answers ``n`` bytes of HTML; each size is built once, on its first request,
so one server is the floor of every page size.
"""

from __future__ import annotations

from flask import Flask, Response, abort

MAX_SIZE = 16 * 1024 * 1024
BODIES: dict[int, bytes] = {}

app = Flask(__name__)


@app.get("/bytes/<int:size>")
def body(size: int) -> Response:
    if size > MAX_SIZE:
        abort(404)
    data = BODIES.get(size)
    if data is None:
        data = BODIES.setdefault(size, (b"<!doctype html>" + b"x" * size)[:size])
    return Response(data, content_type="text/html; charset=utf-8")


@app.get("/livez")
def livez() -> dict[str, str]:
    return {"status": "ok"}
