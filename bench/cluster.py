"""The cluster figure (``python -m bench.cluster`` runs it alone): the anonymous and the
signed-in homepage through the load balancer of deploy/cluster.py with 1 node and with 3,
then the Redis failover window under light traffic (3 nodes).

On a 2-core machine the nodes share the same two cores, so 3 nodes cannot be faster than
1: the figure shows what the balancer and the namespaces cost, and that nothing breaks.
"""

from __future__ import annotations

import contextlib
import json
import sys
import threading
import time
import uuid
from typing import Any

import pymysql
from sqlalchemy.engine import make_url

from bench import wrk
from bench.client import USER_AGENT
from devtools import netns
from devtools.browser import Browser
from devtools.cluster import DEFAULT_DATABASE_URL, Cluster

PASSWORD = "bench-cluster-password"  # noqa: S105 (a throwaway account in a throwaway database)
SKU = 1


def measure(load: wrk.Load, sizes: tuple[int, ...] = (1, 3)) -> dict[str, Any]:
    """Req/s per cluster size, and the failover window (s) on the largest; or the reason
    the cluster could not run here."""
    try:
        netns.check_available()
    except netns.NetnsUnavailable as exc:
        return {"skipped": str(exc)}
    database = make_url(DEFAULT_DATABASE_URL).set(database=f"sf_bench_{uuid.uuid4().hex[:8]}")
    url = database.render_as_string(hide_password=False)
    results: dict[str, Any] = {"nodes": {}}
    try:
        for n in sizes:
            cluster = Cluster(n, database_url=url)
            try:
                cluster.start()
                results["nodes"][n] = _load(cluster, load)
                if n == max(sizes):
                    results["failover"] = failover(cluster)
            finally:
                cluster.stop()
    finally:
        _drop(url)
    return results


def _load(cluster: Cluster, load: wrk.Load) -> dict[str, Any]:
    with contextlib.suppress(RuntimeError):  # there from the previous size: same database
        cluster.flask(["create-admin", "--username", "bench", "--email", "bench@example.com",
                       "--password", PASSWORD])
    shopper = Browser(cluster.url, user_agent=USER_AGENT)
    shopper.sign_in("bench", PASSWORD)
    cookie = "; ".join(f"{k}={v}" for k, v in shopper.cookies.items())
    figures = {}
    encoding = {"Accept-Encoding": "br, gzip"}  # as browsers send (bench/figures.py too)
    for name, headers in (("anonymous", encoding), ("signed_in", {**encoding, "Cookie": cookie})):
        wrk.run(cluster.url + "/", load, load.warmup_s, headers)
        figures[name] = wrk.run(cluster.url + "/", load, load.duration_s, headers).as_dict()
    return figures


def failover(cluster: Cluster, settle_s: float = 3.0) -> dict[str, Any]:
    """Kill the Redis master under light traffic (homepages and add-to-cart through the
    balancer); the window runs from the kill to the last 5xx (or failed connection)."""
    assert cluster.redis
    shopper = Browser(cluster.url)
    shopper.sign_in("bench", PASSWORD)
    token = shopper.token(f"/goods/{SKU}")
    answers: list[tuple[float, int]] = []
    stop = threading.Event()

    def traffic() -> None:
        anonymous = Browser(cluster.url)
        for _ in range(3000):
            if stop.is_set():
                return
            for browser, method, path, form in (
                    (anonymous, "GET", "/", None), (shopper, "GET", "/", None),
                    (shopper, "POST", "/cart/add",
                     {"sku_id": str(SKU), "count": "1", "csrf_token": token})):
                try:
                    status = browser.request(method, path, form, timeout=5)[0]
                except OSError:
                    status = 599
                answers.append((time.monotonic(), status))
            time.sleep(0.02)

    thread = threading.Thread(target=traffic, daemon=True)
    thread.start()
    time.sleep(1.0)
    killed = time.monotonic()
    old = cluster.redis.kill_master()
    promoted = cluster.redis.wait_for_new_master(old)
    time.sleep(settle_s)
    stop.set()
    thread.join(15)
    failures = [t - killed for t, status in answers if status >= 500 and t >= killed]
    return {"promoted_s": promoted, "window_s": max(failures, default=0.0),
            "failed": len(failures), "answers": len(answers),
            "failed_before_kill": sum(1 for t, s in answers if s >= 500 and t < killed)}


def _drop(url: str) -> None:
    db = make_url(url)
    conn = pymysql.connect(host=db.host, port=db.port or 3306, user=db.username,
                           password=db.password or "", autocommit=True)
    try:
        with conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS `{db.database}`")
    finally:
        conn.close()


def line(results: dict[str, Any]) -> str:
    """The report's line for this figure."""
    if "skipped" in results:
        return f"Cluster: not measured ({results['skipped']})."
    sizes = "; ".join(
        f"{n} node{'s' if int(n) > 1 else ''}: anonymous {f['anonymous']['rps']:.0f} req/s "
        f"(p99 {f['anonymous']['p99_ms']:.1f} ms, {f['anonymous']['errors']} errors), "
        f"signed-in {f['signed_in']['rps']:.0f} req/s (p99 {f['signed_in']['p99_ms']:.1f} ms, "
        f"{f['signed_in']['errors']} errors)" for n, f in results["nodes"].items())
    fo = results.get("failover", {})
    promoted, window = fo.get("promoted_s", 0.0), fo.get("window_s", 0.0)
    return (f"Cluster (make cluster, homepage through the balancer, br/gzip): {sizes}. "
            f"Redis failover under light traffic: replica promoted {promoted:.2f} s after "
            f"the master was killed; 5xx for {window:.2f} s "
            f"({fo.get('failed', 0)} of {fo.get('answers', 0)} answers), none after.")


if __name__ == "__main__":
    result = measure(wrk.Load(threads=2, connections=16, warmup_s=2, duration_s=6))
    print(json.dumps(result, indent=1), file=sys.stderr)
    print(line(result))
