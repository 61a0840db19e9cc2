"""Signed-in and cart-holding pages against anonymous ones, through the same nginx, in turns,
each asked as a browser asks (``Accept-Encoding: gzip, deflate, br``): issue 22's target is
>= 0.8x for home, detail and list. Reports req/s, the bytes of one response, and nginx's CPU
per request on each side (nginx workers' utime+stime from /proc over the measured runs).
Each visitor twice: with script (``sf_js``: the page file itself, its parts filled in by the
browser, static/js/visitor.js) and without (the file filled in by nginx's SSI).

    python -m bench.visitors [--duration 6 --connections 16]
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import shutil
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

import brotli

from bench import figures, procs, report, wrk
from bench import shop as shop_mod
from bench.client import HOST, Browser, expect_ok, sign_in
from bench.run import CATEGORIES, SKUS, ensure_tools, log, parse_args
from bench.shop import PASSWORD, USERNAME

ANONYMOUS = "anonymous through nginx (br)"


def main(argv: list[str] | None = None) -> int:
    load, settings, _, _ = parse_args(argv)
    ensure_tools()
    workdir = Path(tempfile.mkdtemp(prefix="sf-bench-visitors-"))
    shop = shop_mod.create(workdir)
    rows = [["page", "visitor", "req/s", "anonymous req/s", "ratio", "bytes", "anon bytes",
             "nginx CPU us/req", "anon CPU us/req", "errors"]]
    try:
        log(f"seeding {CATEGORIES} categories x {SKUS} SKUs")
        with contextlib.redirect_stdout(io.StringIO()):
            cat = shop_mod.prepare(shop, shop.app(), CATEGORIES, SKUS)
        paths = figures.Paths.of(cat)
        with ExitStack() as stack:
            _, port = procs.gunicorn(stack, shop, "gunicorn-shop", settings)
            nginx_port = procs.shop_nginx(stack, shop, port)
            shopper = sign_in(port, USERNAME, PASSWORD, [paths.home, paths.detail])
            cart = figures.cart_holder(nginx_port, paths)
            visitors = {
                "signed-in, script": Browser(nginx_port, {**shopper.cookies, "sf_js": "1"}),
                "with a cart, script": Browser(nginx_port, {**cart.cookies, "sf_js": "1"}),
                "signed-in, no script": Browser(nginx_port, shopper.cookies),
                "with a cart, no script": cart,
            }
            for name, path in paths.named():
                for who, browser in visitors.items():
                    rows.append(_compare(nginx_port, name, path, who, browser, load))
    finally:
        shop_mod.drop(shop)
        shutil.rmtree(workdir, ignore_errors=True)
    print(report.text_table(rows))
    return 0


def _compare(port: int, name: str, path: str, who: str, browser: Browser,
             load: wrk.Load) -> list[str]:
    url = f"http://{HOST}:{port}{path}"
    mine = {**figures.BROWSER, "Cookie": browser.cookie_header()}
    sample = expect_ok(browser.get(path, figures.BROWSER), f"{who} {path}")
    body = _decoded(sample)
    anon = expect_ok(Browser(port).get(path, figures.BROWSER), f"anonymous {path}")
    if who.endswith(", script"):
        if sample.body != anon.body:
            raise RuntimeError(f"{who} {path}: not the page file itself")
    elif b"<!--#" in body or (f"Welcome <strong>{USERNAME}</strong>".encode() in body
                              ) != who.startswith("signed-in"):
        raise RuntimeError(f"{who} {path}: the parts were not filled in")
    sides = {"mine": (mine, []), "anonymous": (figures.BROWSER, [])}
    cpu = dict.fromkeys(sides, 0.0)
    for headers, _ in sides.values():  # warm-up, thrown away
        wrk.run(url, load, load.warmup_s, headers)
    seconds = max(1, load.duration_s // 3)
    for _ in range(3):  # in turns: the machine's drift hits both alike
        for side, (headers, runs) in sides.items():
            before = nginx_cpu_seconds()
            runs.append(wrk.run(url, load, seconds, headers))
            cpu[side] += nginx_cpu_seconds() - before
    result, floor = (wrk.combine(runs) for _, runs in sides.values())
    log(f"{who} {name}: {result.rps:.0f} vs {floor.rps:.0f} req/s")
    per = [cpu[side] / max(1, r.requests) * 1e6
           for side, r in (("mine", result), ("anonymous", floor))]
    return [name, who, f"{result.rps:.0f}", f"{floor.rps:.0f}", f"{result.rps / floor.rps:.2f}",
            f"{len(sample.body)} {sample.headers.get('content-encoding', 'identity')}",
            f"{len(anon.body)} {anon.headers.get('content-encoding', 'identity')}",
            *(f"{p:.0f}" for p in per), str(result.errors + floor.errors)]


def _decoded(reply: object) -> bytes:
    encoding = reply.headers.get("content-encoding")
    if encoding == "gzip":
        return gzip.decompress(reply.body)
    return brotli.decompress(reply.body) if encoding == "br" else reply.body


def nginx_cpu_seconds() -> float:
    """CPU (user + system) of every nginx worker process on this machine so far; the bench's
    nginx is the one under load, so the change over a run is its."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            with open(stat.parent / "cmdline", "rb") as cmdline:
                if not cmdline.read().startswith(b"nginx: worker"):
                    continue
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


if __name__ == "__main__":
    sys.exit(main())
