"""Only the cart's figure: anonymous visitors with a cart through nginx, beside the
signed-in pages they share the path with, each against its floor. ``make bench`` measures
the same figures among all the others; this is the quick look (about a minute).

    python -m bench.cart [--duration 6 --connections 16]
"""

from __future__ import annotations

import contextlib
import io
import shutil
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

from bench import figures, procs, report
from bench import shop as shop_mod
from bench.client import sign_in
from bench.run import CATEGORIES, SKUS, ensure_tools, log, parse_args
from bench.shop import PASSWORD, USERNAME


def main(argv: list[str] | None = None) -> int:
    load, settings, _ = parse_args(argv)
    ensure_tools()
    workdir = Path(tempfile.mkdtemp(prefix="sf-bench-cart-"))
    shop = shop_mod.create(workdir)
    try:
        log(f"seeding {CATEGORIES} categories x {SKUS} SKUs")
        with contextlib.redirect_stdout(io.StringIO()):
            cat = shop_mod.prepare(shop, shop.app(), CATEGORIES, SKUS)
        paths = figures.Paths.of(cat)
        with ExitStack() as stack:
            bench = figures.Bench(procs.floors(stack, shop, settings), load)
            _, port = procs.gunicorn(stack, shop, "gunicorn-shop", settings)
            nginx_port = procs.shop_nginx(stack, shop, port)
            shopper = sign_in(port, USERNAME, PASSWORD, [paths.home, paths.detail])
            figs = [*figures.signed_in_nginx(bench, shop, cat, paths, nginx_port, shopper),
                    *figures.anonymous_cart_nginx(bench, paths, nginx_port)]
    finally:
        shop_mod.drop(shop)
        shutil.rmtree(workdir, ignore_errors=True)
    print(report.text_table(report.figure_rows(
        {"figures": {f.key: f.as_dict() for f in figs}})))
    return 0


if __name__ == "__main__":
    sys.exit(main())
