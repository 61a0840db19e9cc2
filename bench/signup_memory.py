"""Worker memory during a burst of sign-ups: 24 browsers submit the sign-up form at once to
a real gunicorn (deploy/gunicorn.conf.py, 2 workers x 4 threads on a fresh MariaDB database
and Redis prefix), and each worker's peak RSS (VmHWM) is read before and after the burst.

Run twice: with the hashing gate opened wide (PASSWORD_HASH_CONCURRENCY=24: every thread
hashes at once, as before the gate existed) and at the shipped default (2 per worker).
The sign-up limit is raised for the run, so only the gate shapes the burst.

    .venv/bin/python -m bench.signup_memory
"""

from __future__ import annotations

import re
import tempfile
import threading
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

from bench import procs
from bench import shop as shop_module
from bench.client import CSRF_RE, Browser
from bench.memory import rss_kib

BURST = 24
SETTINGS = procs.Gunicorn(workers=2, threads=4)


def worker_pids(master: int, expected: int, timeout: float = 20) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pids = [int(p) for p in children.read_text().split()]
        if len(pids) == expected:
            return pids
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn {master} did not start {expected} workers")


def peak_kib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+)", status).group(1))


def burst(port: int, run: str) -> Counter:
    """``BURST`` sign-ups released together; the count of each HTTP status."""
    browsers = [Browser(port) for _ in range(BURST)]
    tokens = [CSRF_RE.search(b.get("/users/register").body.decode()).group(1)
              for b in browsers]
    start, statuses = threading.Barrier(BURST), Counter()

    def sign_up(i: int) -> None:
        start.wait()
        name = f"{run}{i}"
        reply = browsers[i].request("POST", "/users/register", form={
            "username": name, "email": f"{name}@example.com", "password": "burst-password",
            "confirm": "burst-password", "csrf_token": tokens[i]})
        statuses[reply.status] += 1

    threads = [threading.Thread(target=sign_up, args=(i,)) for i in range(BURST)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return statuses


def measure(shop: shop_module.Shop, concurrency: int) -> dict:
    with ExitStack() as stack:
        proc, port = procs.gunicorn(stack, shop, f"gunicorn-signup-{concurrency}", SETTINGS,
                                    FLASK_PASSWORD_HASH_CONCURRENCY=str(concurrency),
                                    FLASK_SIGNUP_LIMIT_PER_ADDRESS="1000 per hour")
        pids = worker_pids(proc.popen.pid, SETTINGS.workers)
        for _ in range(20):  # both workers import and warm up before the baseline
            Browser(port).get("/users/register")
        before = {pid: rss_kib(pid) for pid in pids}
        started = time.monotonic()
        statuses = burst(port, f"c{concurrency}x")
        seconds = time.monotonic() - started
        peak = {pid: peak_kib(pid) for pid in pids}
    return {"concurrency": concurrency, "before_mib": sum(before.values()) / 1024,
            "peak_mib": sum(peak.values()) / 1024, "seconds": seconds,
            "statuses": dict(statuses)}


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="sf-signup-") as tmp:
        shop = shop_module.create(Path(tmp))
        try:
            shop_module.migrate(shop)
            rows = [measure(shop, 24), measure(shop, 2)]
        finally:
            shop_module.drop(shop)
    print(f"{BURST} concurrent sign-ups, {SETTINGS.describe()}")
    print("| PASSWORD_HASH_CONCURRENCY | workers' RSS before (MiB) | peak during burst (MiB) "
          "| growth | burst took (s) | statuses |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        growth = r["peak_mib"] / r["before_mib"]
        print(f"| {r['concurrency']} | {r['before_mib']:.1f} | {r['peak_mib']:.1f} "
              f"| x{growth:.2f} | {r['seconds']:.1f} | {r['statuses']} |")


if __name__ == "__main__":
    main()
