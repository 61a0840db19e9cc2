"""gunicorn settings: ``gunicorn -c deploy/gunicorn.conf.py`` (serves ``wsgi:app``).

The app's own settings come from the environment (DATABASE_URL, REDIS_URL, SECRET_KEY, ...,
see storefront/config.py); these are the server's. It runs behind nginx (deploy/nginx.conf).

Environment: GUNICORN_BIND (127.0.0.1:8000), WEB_CONCURRENCY (workers: 2 x cores + 1, at most
8), GUNICORN_THREADS (4 per worker), GUNICORN_MAX_REQUESTS (0: off), FORWARDED_ALLOW_IPS
(127.0.0.1: nginx's address), FLASK_TRUSTED_PROXIES (127.0.0.1,::1: nginx's addresses),
GUNICORN_CONTROL_SOCKET (a path turns gunicornc's socket on).
Command-line options still override everything here.

Worker recycling (max_requests) is off by default, because measurement says the shop does not
need it. `make bench` (bench/memory.py) has one worker serve 20,000 signed-in requests (pages
and the fragment endpoint): its RSS did not grow from 10,000 to 20,000 (-1.0 % and -1.1 % in
two runs, about 113 MiB: noise). Recycling every 1,000 requests, as this file used to, cost
a third to 60 % of the throughput of the fragment request that every signed-in page view
made then (787 vs 1,189 and 532 vs 1,320 req/s side by side, p99 0.85-1.7 s vs
0.09-0.35 s; that request is gone, bench/memory.py now loads the cart page):
each restart re-imports and rebuilds the app while the other worker carries the load. If a
leak ever shows (the bench's memory figure fails at 5 %), set GUNICORN_MAX_REQUESTS to a
large number, e.g. 100000; the 10 % jitter below keeps the workers from restarting together.
"""

from __future__ import annotations

import os
from pathlib import Path


def _int_env(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


wsgi_app = "wsgi:app"
chdir = str(Path(__file__).resolve().parent.parent)  # the project root, where wsgi.py is

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
workers = _int_env("WEB_CONCURRENCY", min(2 * (os.cpu_count() or 1) + 1, 8))
# Threads let a worker keep nginx's upstream connections alive and wait on MariaDB/Redis
# for one request while serving another.
worker_class = "gthread"
threads = _int_env("GUNICORN_THREADS", 4)

# Each worker builds its own app, so its own DB pool and Redis client, after the fork.
preload_app = False

timeout = 30
graceful_timeout = 30
keepalive = 75  # above nginx's upstream keepalive_timeout (60 s): nginx closes first
max_requests = _int_env("GUNICORN_MAX_REQUESTS", 0)  # 0: never recycled (see above)
max_requests_jitter = max_requests // 10  # ... and when on, not every worker at once

# Only nginx may say the request came over https (X-Forwarded-Proto).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# ... and the app takes the client's address from X-Forwarded-For only when the request came
# from nginx's address (storefront/web/proxies.py): otherwise every visitor would share nginx's
# address in the throttles, or a client that reaches gunicorn directly could pick its own.
os.environ.setdefault("FLASK_TRUSTED_PROXIES", "127.0.0.1,::1")

# The app logs one line per request itself (storefront.logs: method, path, status, time),
# so gunicorn keeps to its error log.
accesslog = None
errorlog = "-"

# gunicorn 25+ opens a control socket at one path per user by default: two servers of one
# user (staging next to prod, parallel tests) would fight over it.
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
else:
    control_socket_disable = True

# the heartbeat file on tmpfs: no stalls on a slow disk (not a temp file anyone shares)
if Path("/dev/shm").is_dir():  # noqa: S108
    worker_tmp_dir = "/dev/shm"  # noqa: S108


def post_fork(server, worker) -> None:
    """Only with ``--preload``: connections opened in the master must not be shared by the
    workers, so each drops the pool it inherited (without closing the master's sockets)."""
    if not server.cfg.preload_app:
        return
    from storefront.extensions import db

    app = server.app.wsgi()
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)


def post_worker_init(worker) -> None:
    """Each worker also removes page files whose price boundary has passed (an offer
    started or ended), so nginx never sends an old price even while the Celery worker is
    down (storefront/services/offers/schedule.py)."""
    from storefront.services.offers import schedule

    schedule.start_guard(worker.wsgi)
