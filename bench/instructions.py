"""What deploy/nginx.conf's routing costs an anonymous page, counted rather than timed
(``python -m bench.instructions``, about two minutes; needs valgrind): the CPU instructions
one nginx process runs per request, under callgrind, for the homepage, a product page and a
list page (their .br twins, as a browser asks), against the static-file floor
(bench/nginx_floor.conf) sending the same files. Wall-clock ratios on a shared machine
wander by tens of percent (bench/anonymous.py); instruction counts do not: two runs of
the same config agree within a few instructions. They count user space only: the system
calls are the same on both sides (strace: open, fstat, writev, sendfile, write, close).

Each count is the difference between a run of ``FEW`` and one of ``MANY`` requests on one
kept-alive connection, so nginx's start and exit drop out. The page files are made up (the
routing does not read them), at the names storefront/services/pages/files.py gives.
"""

from __future__ import annotations

import gzip
import http.client
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import brotli

from devtools import servers
from storefront.services.pages.keys import PageKey

BENCH = Path(__file__).resolve().parent
PAGES = {"home": "home", "detail": "goods:7", "list": "list:3:default:1"}
ENCODING = {"Accept-Encoding": "gzip, deflate, br"}
FEW, MANY = 300, 1300


def instructions(template: Path, values: dict[str, str], path: str, requests: int,
                 workdir: Path) -> int:
    """Instructions nginx ran in all, started, sent ``path`` ``requests`` times, stopped."""
    port = servers.free_port()
    cmd = servers.nginx_command(workdir, template, {"LISTEN": f"{servers.HOST}:{port}", **values})
    cmd[-1] = "daemon off; master_process off;"  # one process: the one counted
    out = workdir / "callgrind.out"
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        raise FileNotFoundError("valgrind is not installed (apt-get install -y valgrind)")
    proc = subprocess.Popen([valgrind, "--tool=callgrind", f"--callgrind-out-file={out}", *cmd],  # noqa: S603
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not servers.port_open(port):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"nginx under callgrind did not start: {workdir}")
            time.sleep(0.2)
        conn = http.client.HTTPConnection(servers.HOST, port)
        for _ in range(requests):
            conn.request("GET", path, headers={"Host": servers.HOST, **ENCODING})
            reply = conn.getresponse()
            reply.read()
            if reply.status != 200 or reply.getheader("Content-Encoding") != "br":
                raise RuntimeError(f"{path}: {reply.status} {reply.getheader('Content-Encoding')}")
        conn.close()
    finally:
        # under valgrind a SIGTERM is now and then lost: again until it is taken
        for _ in range(12):
            proc.terminate()
            try:
                proc.wait(timeout=5)
                break
            except subprocess.TimeoutExpired:
                continue
        else:
            proc.kill()  # no count then: the totals are written on exit
            proc.wait()
    totals = re.search(r"^totals: (\d+)", out.read_text(), re.MULTILINE)
    if totals is None:
        raise RuntimeError(f"no totals in {out}")
    return int(totals.group(1))


def per_request(template: Path, values: dict[str, str], path: str, workdir: Path) -> float:
    few = instructions(template, values, path, FEW, workdir / "few")
    many = instructions(template, values, path, MANY, workdir / "many")
    return (many - few) / (MANY - FEW)


def write_page(file: Path, items: int) -> None:
    """A made-up page of ``items`` list items, with its .gz and .br twins."""
    html = ("<!doctype html>" + "".join(f"<li>item {i}</li>" for i in range(items))).encode()
    file.parent.mkdir(parents=True, exist_ok=True)
    for suffix, body in (("", html), (".gz", gzip.compress(html, mtime=0)),
                         (".br", brotli.compress(html, quality=6))):
        file.with_name(file.name + suffix).write_bytes(body)


def main(template: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="sf-instructions-") as tmp:
        root = Path(tmp)
        pages, floor = root / "pages", root / "floor"
        floor.mkdir()
        for name, key in PAGES.items():
            page = PageKey.parse(key)
            file = pages / (page.stem + ".html")
            write_page(file, 1000)
            for suffix in ("", ".gz", ".br"):
                shutil.copyfile(file.with_name(file.name + suffix), floor / f"{name}.html{suffix}")
        shop_values = {"UPSTREAM": f"{servers.HOST}:9", "STATIC_PAGES_DIR": str(pages),
                       "STATIC_DIR": str(root), "MEDIA_ROOT": str(root)}
        for name, key in PAGES.items():
            shop = per_request(template, shop_values, PageKey.parse(key).url, root / f"shop-{name}")
            base = per_request(BENCH / "nginx_floor.conf", {"FLOOR_DIR": str(floor)},
                               f"/{name}.html", root / f"floor-{name}")
            print(f"{name}: {shop:,.0f} instructions a request against the floor's {base:,.0f}: "
                  f"+{shop - base:,.0f} ({shop / base:.3f}x)", flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else servers.ROOT / "deploy" / "nginx.conf")
