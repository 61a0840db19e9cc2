"""Anonymous pages through deploy/nginx.conf against the static-file floor, alone (``python
-m bench.run --only anonymous``, about a minute): the homepage, a product page and a list
page, each in turns with nginx sending a copy of the same file (bench/nginx_floor.conf),
with a browser's Accept-Encoding (the .br twin: the target, 0.95x) and without. The same
figures as in the full bench (bench/figures.py, anonymous), for working on the routing.
"""

from __future__ import annotations

from contextlib import ExitStack
from typing import Any

from flask import Flask

from bench import procs, wrk
from bench.figures import BROWSER, Bench, Paths, anonymous
from bench.shop import Catalogue, Shop

LOAD = wrk.Load(threads=2, connections=16, warmup_s=1, duration_s=6)


def measure(shop: Shop, app: Flask, cat: Catalogue, settings: procs.Gunicorn) -> dict[str, Any]:
    paths = Paths.of(cat)
    with ExitStack() as stack:
        bench = Bench(procs.floors(stack, shop, settings), LOAD)
        _, port = procs.gunicorn(stack, shop, "gunicorn-anonymous", settings)
        nginx_port = procs.shop_nginx(stack, shop, port)
        figures = [*anonymous(bench, shop, cat, paths, nginx_port, BROWSER, LOAD, 0.95),
                   *anonymous(bench, shop, cat, paths, nginx_port, {}, LOAD, None)]
    return {f.key: f.as_dict() for f in figures}


def line(figures: dict[str, Any]) -> str:
    return "\n".join(f"{fig['label']}: {fig['rps']:,.0f} req/s against the floor's "
                     f"{fig['floor_rps']:,.0f}: {fig['ratio']:.3f}x" for fig in figures.values())
