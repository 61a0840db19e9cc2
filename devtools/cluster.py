"""Several web nodes on one machine (``make cluster``, its tests, the bench): each node is a
network namespace running nginx, gunicorn and a Celery worker (with beat) on its own address
and its own page-files folder. They share MariaDB (through a forwarder: it listens on the
host's loopback only) and Redis through Sentinel (a master, a replica, three Sentinels of
this run's own). A load balancer (nginx, deploy/balancer.conf) on 127.0.0.1 is the shop's
one address. ``stop()`` leaves nothing behind: processes, namespaces, links.
"""

from __future__ import annotations

import concurrent.futures
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

import pymysql
from sqlalchemy.engine import make_url

from devtools import netns, servers
from devtools.sentinels import SentinelSet
from devtools.tcp_proxy import TcpProxy

ROOT = servers.ROOT
DEFAULT_DATABASE_URL = "mysql+pymysql://root@127.0.0.1:3306/storefront_cluster?charset=utf8mb4"
NGINX_PORT, GUNICORN_PORT = 8080, 8000


class Node:
    def __init__(self, cluster: Cluster, i: int) -> None:
        self.cluster, self.i, self.name = cluster, i, f"node{i}"
        self.ns, self.address, self.gateway = cluster.net.add_node(i)
        self.workdir = cluster.workdir / self.name
        self.pages = self.workdir / "static_pages"
        self.pages.mkdir(parents=True)
        self.procs: list[servers.Process] = []

    @property
    def url(self) -> str:
        return f"http://{self.address}:{NGINX_PORT}"

    def env(self) -> dict[str, str]:
        return {
            **self.cluster.app_env(),
            "STATIC_PAGES_DIR": str(self.pages),
            "SEARCH_INDEX_DIR": str(self.workdir / "search"),  # each node's own index
            "FLASK_NODE_NAME": self.name,
            "FLASK_CELERY_QUEUE": f"{self.cluster.net.prefix}.{self.name}",
            "GUNICORN_BIND": f"{self.address}:{GUNICORN_PORT}",
            "WEB_CONCURRENCY": str(self.cluster.web_workers),
            "GUNICORN_THREADS": "4",
            # nginx on this node, and the balancer on the host end of its link
            "FORWARDED_ALLOW_IPS": f"{self.address},{self.gateway}",
            "FLASK_TRUSTED_PROXIES": f"{self.address},{self.gateway}",
        }

    def _in_ns(self, cmd: list[str]) -> list[str]:
        return ["ip", "netns", "exec", self.ns, *cmd]

    def start(self) -> None:
        """Celery first: the listener, so the node hears every broadcast from now on, and the
        worker that renders; then the catch-up of the page files, then gunicorn and nginx:
        the node serves nothing older than the catch-up."""
        env, py = self.env(), sys.executable
        queue = env["FLASK_CELERY_QUEUE"]
        # The broadcasts get a process of their own (solo pool: one small task at a time):
        # behind a render or a warm in the worker, a stale file would wait seconds to go.
        listener = self._celery("listener", [self.cluster.broadcast, "--pool=solo"],
                                FLASK_PAGES_POLL_SECONDS="1")
        # the worker (not the listener) reads nginx's log of product views into the history
        worker = self._celery("worker", [queue, "--concurrency=1", "--beat", "--schedule",
                                         str(self.workdir / "celerybeat-schedule")],
                              FLASK_VIEWS_LOG=str(self.workdir / "nginx" / "logs" / "views.log"))
        for proc in (listener, worker):
            proc.wait_for_log(r"\bready\.", 60)
        subprocess.run(self._in_ns([py, "-m", "flask", "--app", "storefront",  # noqa: S603
                                    "catch-up-pages"]), env=env, cwd=ROOT, check=True,
                       capture_output=True)
        gunicorn = servers.start(f"{self.name} gunicorn", self._in_ns(
            [py, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py")]),
            log_path=self.workdir / "gunicorn.log", env=env, stop_signal=signal.SIGINT)
        self.procs.append(gunicorn)
        gunicorn.wait_until(lambda: servers.http_status(GUNICORN_PORT, "/livez", self.address)
                            == 200, 60, f"{self.name} gunicorn")
        self.procs.append(self._start_nginx())

    def _celery(self, role: str, args: list[str], **env: str) -> servers.Process:
        """``role``: listener or worker; ``args``: its queue, then options."""
        cmd = [sys.executable, "-m", "celery", "-A", "celery_worker", "worker",
               "--loglevel=INFO", "--without-gossip", "--without-mingle",
               "--without-heartbeat", "-n", f"{role}.{self.name}.{self.cluster.net.prefix}@%h",
               "-Q", *args]
        proc = servers.start(f"{self.name} {role}", self._in_ns(cmd),
                             log_path=self.workdir / f"{role}.log", env={**self.env(), **env})
        self.procs.append(proc)
        return proc

    def _start_nginx(self) -> servers.Process:
        prefix = self.workdir / "nginx"
        cmd = servers.nginx_command(prefix, ROOT / "deploy" / "nginx.conf", {
            "LISTEN": f"{self.address}:{NGINX_PORT}",
            # its own address, and the balancer's (which passes the client's Host on)
            "SERVER_NAME": f"{self.address} {servers.HOST} localhost",
            "UPSTREAM": f"{self.address}:{GUNICORN_PORT}", "STATIC_PAGES_DIR": str(self.pages),
            "STATIC_DIR": str(ROOT / "storefront" / "static"),
            "MEDIA_ROOT": self.cluster.media,
        })
        proc = servers.start(f"{self.name} nginx", self._in_ns(cmd),
                             log_path=prefix / "logs" / "stderr.log")
        proc.wait_until(lambda: servers.port_open(NGINX_PORT, self.address), 15,
                        f"{self.name} nginx")
        return proc

    def stop(self) -> None:
        """The node goes down (its namespace and address stay, to start it again)."""
        for proc in reversed(self.procs):
            proc.stop(timeout=10)
        self.procs = []


class Cluster:
    def __init__(self, nodes: int = 3, *, database_url: str | None = None,
                 secret_key: str | None = None, workdir: Path | None = None,
                 balancer_port: int | None = None, web_workers: int = 1) -> None:
        netns.check_available()
        if servers.nginx_binary() is None:
            raise FileNotFoundError("nginx is not installed (apt-get install -y nginx)")
        self.n, self.web_workers = nodes, web_workers
        self.database_url = database_url or DEFAULT_DATABASE_URL
        self.secret_key = secret_key or os.urandom(32).hex()
        self._own_workdir = workdir is None  # removed at stop (logs and all)
        self.workdir = workdir or Path(tempfile.mkdtemp(prefix="storefront-cluster-"))
        self.media = str(self.workdir / "media")  # one folder for all: a shared volume
        self.balancer_port = balancer_port or servers.free_port()
        self.net = netns.Network()
        self.broadcast = f"{self.net.prefix}.pages"
        self.nodes: list[Node] = []
        self.redis: SentinelSet | None = None
        self.forwarder: TcpProxy | None = None
        self.balancer: servers.Process | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.balancer_port}"

    def app_env(self, *, on_host: bool = False) -> dict[str, str]:
        """The app's settings for a node (the database through the forwarder) or, with
        ``on_host``, for commands run on the host (the database as given)."""
        assert self.redis and self.forwarder
        db = make_url(self.database_url)
        if not on_host:
            host, port = self.forwarder.address
            db = db.set(host=host, port=port)
        env = {k: v for k, v in os.environ.items()
               if k not in servers.APP_ENV_NAMES and not k.startswith(("FLASK_", "GUNICORN_"))}
        env.update({
            "DATABASE_URL": db.render_as_string(hide_password=False),
            "REDIS_SENTINELS": self.redis.sentinels, "REDIS_MASTER_NAME": self.redis.master_name,
            "SECRET_KEY": self.secret_key, "MEDIA_ROOT": self.media,
            "FLASK_PAGES_BROADCAST_QUEUE": self.broadcast, "PYTHONUNBUFFERED": "1",
            "PYTHONPATH": str(ROOT),
        })
        return env

    def start(self) -> None:
        try:
            services = self.net.create_services_link()
            self.redis = SentinelSet(self.workdir, host=services)
            self.redis.start()
            db = make_url(self.database_url)
            self.forwarder = TcpProxy(db.port or 3306, db.host or "127.0.0.1",
                                      listen=(services, 0))
            self._prepare_database()
            self.nodes = [Node(self, i) for i in range(1, self.n + 1)]
            with concurrent.futures.ThreadPoolExecutor(self.n) as pool:
                list(pool.map(Node.start, self.nodes))
            self._start_balancer()
        except BaseException:
            self.stop()
            raise

    def _prepare_database(self) -> None:
        """The database (created if missing), its schema, and the demo catalogue once."""
        url = make_url(self.database_url)
        conn = pymysql.connect(host=url.host, port=url.port or 3306, user=url.username,
                               password=url.password or "", connect_timeout=5)
        with conn.cursor() as cur:
            cur.execute(f"CREATE DATABASE IF NOT EXISTS `{url.database}` "
                        "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
        conn.close()
        env = self.app_env(on_host=True)
        for args in (["db", "upgrade"], ["seed-demo"]):
            self.flask(args, env)

    def flask(self, args: list[str], env: Mapping[str, str] | None = None) -> str:
        result = subprocess.run([sys.executable, "-m", "flask", "--app", "storefront", *args],  # noqa: S603
                                env=dict(env or self.app_env(on_host=True)), cwd=ROOT,
                                capture_output=True, text=True, check=False)
        if result.returncode:
            raise servers.ServerError(f"flask {' '.join(args)}:\n{result.stderr[-4000:]}")
        return result.stdout

    def _start_balancer(self) -> None:
        prefix = self.workdir / "balancer"
        cmd = servers.nginx_command(prefix, ROOT / "deploy" / "balancer.conf", {
            "LISTEN": f"127.0.0.1:{self.balancer_port}",
            "SERVERS": "\n        ".join(f"server {n.address}:{NGINX_PORT} max_fails=1 "
                                          "fail_timeout=2s;" for n in self.nodes),
        })
        self.balancer = servers.start("balancer", cmd, log_path=prefix / "logs" / "stderr.log")
        self.balancer.wait_for_port(self.balancer_port)

    def stop(self) -> None:
        """Everything this cluster started goes, whatever state it is in; safe to repeat."""
        if self.balancer:
            self.balancer.stop(timeout=5)
        for node in self.nodes:
            node.stop()
        if self.redis:
            self.redis.stop()
        if self.forwarder:
            self.forwarder.close()
        self.net.remove()
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
