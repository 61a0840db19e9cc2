#!/usr/bin/env python3
"""``make cluster NODES=3``: the shop on N web nodes on this machine (network namespaces),
Redis through Sentinel, one load balancer in front (devtools/cluster.py says how).

Environment: DATABASE_URL (default: storefront_cluster on 127.0.0.1:3306, created if
missing), SECRET_KEY (default: a new one per run), NODES (3), BALANCER_PORT (a free port),
WEB_CONCURRENCY (gunicorn workers per node, 1). Prints ``node <i> http://<addr>:<port>``
per node, ``balancer http://<addr>:<port>``, then ``cluster ready``; SIGINT or SIGTERM stops
everything (processes, namespaces, links). Needs root, iproute2, nginx, redis-server.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from devtools.cluster import Cluster  # noqa: E402


def main() -> int:
    nodes = int(os.environ.get("NODES") or 3)
    if not 1 <= nodes <= 50:
        print("cluster: NODES must be 1 to 50", file=sys.stderr)
        return 2
    stopping = threading.Event()

    def _stop(signum: int, _frame: object) -> None:
        stopping.set()
        raise KeyboardInterrupt  # out of a start in progress too: stop() cleans up

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    cluster = Cluster(nodes, database_url=os.environ.get("DATABASE_URL") or None,
                      secret_key=os.environ.get("SECRET_KEY") or None,
                      balancer_port=int(os.environ.get("BALANCER_PORT") or 0) or None,
                      web_workers=int(os.environ.get("WEB_CONCURRENCY") or 1))
    try:
        cluster.start()
        for node in cluster.nodes:
            print(f"node {node.i} {node.url}", flush=True)
        print(f"balancer {cluster.url}", flush=True)
        print("cluster ready", flush=True)
        stopping.wait()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # the clean-up runs to its end
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        cluster.stop()
        print("cluster stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
