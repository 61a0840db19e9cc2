"""Real server processes for tests and the bench: gunicorn, nginx and a Celery worker.

Every process runs in its own process group (so its workers go down with it), logs to a
file the failure message quotes, listens on 127.0.0.1 only, and every wait has a deadline.
"""

from __future__ import annotations

import contextlib
import grp
import http.client
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"

# storefront/config.py reads these (and any FLASK_*): a test's server must not inherit the
# developer's own settings.
APP_ENV_NAMES = ("DATABASE_URL", "REDIS_URL", "REDIS_SENTINELS", "REDIS_MASTER_NAME", "SECRET_KEY",
                 "MEDIA_ROOT", "STATIC_PAGES_DIR", "SEARCH_INDEX_DIR", "REDIS_CACHE_URL",
                 "REDIS_CACHE_MASTER_NAME", "ALLOWED_HOSTS", "SERVER_NAME")


class ServerError(RuntimeError):
    pass


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def port_open(port: int, host: str = HOST) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def http_status(port: int, path: str = "/", host: str = HOST) -> int | None:
    """The status of GET ``path``, or None when nothing answers."""
    conn = http.client.HTTPConnection(host, port, timeout=2)
    try:
        conn.request("GET", path)
        return conn.getresponse().status
    except (OSError, http.client.HTTPException):
        return None
    finally:
        conn.close()


class Process:
    """A server started by a test; ``stop()`` is safe to call more than once."""

    def __init__(self, name: str, popen: subprocess.Popen, log_path: Path,
                 stop_signal: signal.Signals) -> None:
        self.name, self.popen, self.log_path, self.stop_signal = name, popen, log_path, stop_signal

    @property
    def running(self) -> bool:
        return self.popen.poll() is None

    def log(self, tail: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-tail:]
        except OSError:
            return ""

    def wait_until(self, ready: Callable[[], bool], timeout: float, what: str) -> None:
        """Poll ``ready`` until it is true; fail early if the process dies, late at timeout."""
        deadline = time.monotonic() + timeout
        while True:
            if ready():
                return
            if not self.running:
                raise ServerError(f"{self.name} exited ({self.popen.returncode}) before "
                                  f"{what}:\n{self.log()}")
            if time.monotonic() > deadline:
                raise ServerError(f"{self.name}: no {what} after {timeout}s:\n{self.log()}")
            time.sleep(0.05)

    def wait_for_port(self, port: int, timeout: float = 15) -> None:
        self.wait_until(lambda: port_open(port), timeout, f"listener on {HOST}:{port}")

    def wait_for_http(self, port: int, path: str, timeout: float = 15) -> None:
        self.wait_until(lambda: http_status(port, path) == 200, timeout,
                        f"200 from http://{HOST}:{port}{path}")

    def wait_for_log(self, pattern: str, timeout: float = 15) -> None:
        """For servers without a port (a Celery worker): wait for a line in the log."""
        regex = re.compile(pattern)
        self.wait_until(lambda: bool(regex.search(self.log(tail=100_000))), timeout,
                        f"log line /{pattern}/")

    def stop(self, timeout: float = 10) -> None:
        """The polite signal, then SIGKILL to the whole group once ``timeout`` has passed."""
        pgid = self.popen.pid  # start_new_session: the leader's pid is the group id
        if self.running:
            self._signal_group(pgid, self.stop_signal)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self._signal_group(pgid, signal.SIGKILL)
                self.popen.wait(5)
        # the leader is gone; workers it left behind still carry its group id
        self._signal_group(pgid, signal.SIGKILL)

    @staticmethod
    def _signal_group(pgid: int, sig: signal.Signals) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, sig)


def start(name: str, cmd: list[str], *, log_path: Path, env: Mapping[str, str] | None = None,
          cwd: Path = ROOT, stop_signal: signal.Signals = signal.SIGTERM) -> Process:
    """Start ``cmd`` in a process group of its own, stdout and stderr into ``log_path``."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as log:
        popen = subprocess.Popen(cmd, cwd=cwd, env=dict(env) if env is not None else None,  # noqa: S603
                                 stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                 start_new_session=True)
    return Process(name, popen, log_path, stop_signal)


def app_environment(config: Mapping, **extra: str) -> dict[str, str]:
    """The environment a separate process (gunicorn, a Celery worker) needs to run the app of
    a test's ``app_config``: same database, same Redis and key prefixes, same folders."""
    env = {k: v for k, v in os.environ.items()
           if k not in APP_ENV_NAMES and not k.startswith("FLASK_")}
    env.update({
        "DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": config.get("REDIS_URL", ""),
        "SECRET_KEY": config["SECRET_KEY"],
        "MEDIA_ROOT": config["MEDIA_ROOT"],
        "STATIC_PAGES_DIR": config["STATIC_PAGES_DIR"],
        "PYTHONUNBUFFERED": "1",
    })
    # the key prefixes, and the test suite's cheap password hash
    for key in ("REDIS_KEY_PREFIX", "CACHE_KEY_PREFIX", "ARGON2_TIME_COST", "ARGON2_MEMORY_COST",
                "ARGON2_PARALLELISM"):
        if config.get(key):
            env[f"FLASK_{key}"] = str(config[key])
    if config.get("SEARCH_INDEX_DIR"):  # one index per node: the test's or bench's own folder
        env["SEARCH_INDEX_DIR"] = config["SEARCH_INDEX_DIR"]
    env.update(extra)
    return env


def start_gunicorn(env: Mapping[str, str], workdir: Path, port: int | None = None,
                   timeout: float = 30, *, workers: int = 1, threads: int = 4,
                   app: str | None = None) -> tuple[Process, int]:
    """gunicorn with deploy/gunicorn.conf.py on 127.0.0.1:``port``, one worker by default;
    ``app`` (``module:name``) serves another WSGI app than the config's ``wsgi:app``."""
    port = port or free_port()
    env = {**env, "GUNICORN_BIND": f"{HOST}:{port}", "WEB_CONCURRENCY": str(workers),
           "GUNICORN_THREADS": str(threads)}
    cmd = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py")]
    if app:
        cmd.append(app)
    # SIGINT: gunicorn's quick shutdown (SIGTERM waits graceful_timeout for workers)
    proc = start("gunicorn", cmd, log_path=workdir / "gunicorn.log", env=env,
                 stop_signal=signal.SIGINT)
    try:
        proc.wait_for_http(port, "/livez", timeout)  # the port opens before a worker answers
    except BaseException:
        proc.stop()
        raise
    return proc, port


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)), None)


def current_user_and_group() -> str:
    """For the ``user`` directive: nginx started by root would otherwise run its workers as
    nobody, who cannot read a test's private temp folders."""
    return f"{pwd.getpwuid(os.geteuid()).pw_name} {grp.getgrgid(os.getegid()).gr_name}"


def fill_nginx_conf(template: str, values: Mapping[str, str]) -> str:
    """deploy/nginx.conf with its ``__NAME__`` placeholders filled, as ops do with sed."""
    for name, value in values.items():
        template = template.replace(f"__{name}__", value)
    left = sorted(set(re.findall(r"__[A-Z_]+__", template)))
    if left:
        raise ValueError(f"unfilled placeholders in the nginx config: {left}")
    return template


def nginx_command(prefix: Path, template: Path, values: Mapping[str, str],
                  binary: str | None = None) -> list[str]:
    """nginx in the foreground under ``prefix``, with ``template`` filled from ``values``
    (USER and PREFIX filled here, SERVER_NAME unless given: the loopback names tests and the
    bench use); its logs go to ``prefix``/logs."""
    for sub in ("logs", "temp"):
        (prefix / sub).mkdir(parents=True, exist_ok=True)
    conf = prefix / "nginx.conf"
    conf.write_text(fill_nginx_conf(template.read_text(), {
        "USER": current_user_and_group(), "PREFIX": str(prefix),
        "SERVER_NAME": f"{HOST} localhost", **values}))
    return [binary or nginx_binary() or "nginx", "-c", str(conf), "-p", str(prefix),
            "-e", str(prefix / "logs" / "error.log"), "-g", "daemon off;"]


def start_nginx(workdir: Path, values: Mapping[str, str], port: int | None = None,
                timeout: float = 15, *, template: Path | None = None) -> tuple[Process, int]:
    """nginx with deploy/nginx.conf (or ``template``) filled from ``values`` (all placeholders
    but USER, PREFIX and LISTEN) under ``workdir``, on 127.0.0.1:``port``, in the foreground."""
    binary = nginx_binary()
    if binary is None:
        raise FileNotFoundError("nginx is not installed (apt-get install -y nginx)")
    port = port or free_port()
    prefix = workdir / "nginx"
    cmd = nginx_command(prefix, template or ROOT / "deploy" / "nginx.conf",
                        {"LISTEN": f"{HOST}:{port}", **values}, binary)
    proc = start("nginx", cmd, log_path=prefix / "logs" / "stderr.log", stop_signal=signal.SIGTERM)
    try:
        proc.wait_for_port(port, timeout)
    except BaseException:
        proc.stop()
        raise
    return proc, port


def start_worker(env: Mapping[str, str], workdir: Path, *, queue: str | None = None,
                 concurrency: int = 1, timeout: float = 30, beat: bool = False,
                 log_name: str = "worker.log") -> Process:
    """A Celery worker (``celery -A celery_worker worker``) for the app that ``env`` describes
    (see app_environment), logging to ``workdir``/worker.log; returns once it is ready.

    ``queue``: the one queue it consumes (also its app's CELERY_QUEUE). Whatever sends it
    tasks needs the same CELERY_QUEUE; a queue of the test's own on the shared Redis keeps
    other tests' workers from taking its tasks."""
    env = dict(env)
    cmd = [sys.executable, "-m", "celery", "-A", "celery_worker", "worker", "--loglevel=INFO",
           f"--concurrency={concurrency}", "--without-gossip", "--without-mingle",
           "--without-heartbeat", "-n", f"test-{uuid.uuid4().hex[:12]}@%h"]
    if queue:
        env["FLASK_CELERY_QUEUE"] = queue
        cmd += ["--queues", queue]
    if beat:  # the periodic safety-net render, in the same process
        cmd += ["--beat", "--schedule", str(workdir / "celerybeat-schedule")]
    # SIGTERM: Celery's warm shutdown (the task in hand finishes); stop() kills it after that
    proc = start("celery worker", cmd, log_path=workdir / log_name, env=env,
                 stop_signal=signal.SIGTERM)
    try:
        proc.wait_for_log(r"\bready\.", timeout)
    except BaseException:
        proc.stop()
        raise
    return proc


class OwnRedis:
    """A redis-server of the test's own on a free port, to stop and start at will (the
    machine's shared Redis is never touched). No persistence: a restart comes back empty."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://{HOST}:{self.port}/0"
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 10) -> None:
        self.proc = subprocess.Popen(  # noqa: S603
            ["redis-server", "--port", str(self.port), "--bind", HOST, "--save", "",  # noqa: S607
             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while not port_open(self.port):
            if time.monotonic() > deadline:
                raise ServerError("redis-server did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.proc:
            self.proc.terminate()
            self.proc.wait(10)
            self.proc = None
