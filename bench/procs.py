"""The bench's own servers, started with tests/servers.py's helpers (own process group, log
file, 127.0.0.1 and a free port) and stopped by the ``ExitStack`` they are entered on."""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from bench.shop import Shop
from tests import servers

BENCH = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Gunicorn:
    """The settings every gunicorn of a comparison runs with, the floor's included."""

    workers: int = 2
    threads: int = 4
    max_requests: int = 0  # 0: no recycling during a measurement (deploy default: 1000)

    def describe(self) -> str:
        return (f"gunicorn -c deploy/gunicorn.conf.py (gthread), WEB_CONCURRENCY={self.workers}, "
                f"GUNICORN_THREADS={self.threads}, GUNICORN_MAX_REQUESTS={self.max_requests}")


def gunicorn(stack: ExitStack, shop: Shop, name: str, settings: Gunicorn,
             app: str | None = None, **env: str) -> tuple[servers.Process, int]:
    """The shop (or ``app``) under deploy/gunicorn.conf.py; ``env`` adds FLASK_* settings."""
    proc, port = servers.start_gunicorn(
        shop.env(GUNICORN_MAX_REQUESTS=str(settings.max_requests), **env), shop.workdir / name,
        timeout=60, workers=settings.workers, threads=settings.threads, app=app)
    stack.callback(proc.stop)
    return proc, port


def shop_nginx(stack: ExitStack, shop: Shop, upstream: int) -> int:
    """deploy/nginx.conf in front of the shop's gunicorn, the static homepage from disk."""
    proc, port = servers.start_nginx(shop.workdir / "nginx-shop", {
        "UPSTREAM": f"{servers.HOST}:{upstream}",
        "STATIC_PAGES_DIR": shop.config["STATIC_PAGES_DIR"],
        "STATIC_DIR": str(servers.ROOT / "storefront" / "static"),
        "MEDIA_ROOT": shop.config["MEDIA_ROOT"],
    })
    stack.callback(proc.stop)
    return port


@dataclass(frozen=True)
class Floors:
    """Both floor servers, up for the whole load phase (idle while the shop is loaded)."""

    nginx_port: int
    nginx_dir: Path
    gunicorn_port: int

    def url(self, nginx: bool, size: int) -> str:
        """A response of ``size`` bytes: a plain file from nginx, or bytes from memory."""
        if not nginx:
            return f"http://{servers.HOST}:{self.gunicorn_port}/bytes/{size}"
        page = self.nginx_dir / f"floor-{size}.html"
        if not page.exists():
            page.write_bytes(floor_body(size))
        return f"http://{servers.HOST}:{self.nginx_port}/{page.name}"


def floor_body(size: int) -> bytes:
    return (b"<!doctype html>" + b"x" * size)[:size]


def floors(stack: ExitStack, shop: Shop, settings: Gunicorn) -> Floors:
    """bench/nginx_floor.conf (plain files) and bench/floor_app.py under ``settings``."""
    folder = shop.workdir / "floor-static"
    folder.mkdir(parents=True, exist_ok=True)
    proc, nginx_port = servers.start_nginx(shop.workdir / "nginx-floor",
                                           {"FLOOR_DIR": str(folder)},
                                           template=BENCH / "nginx_floor.conf")
    stack.callback(proc.stop)
    _, gunicorn_port = gunicorn(stack, shop, "floor-gunicorn", settings,
                                app="bench.floor_app:app")
    return Floors(nginx_port, folder, gunicorn_port)


def worker(stack: ExitStack, shop: Shop) -> servers.Process:
    """A real Celery worker on the shop's own queue, two processes as in deploy/Procfile."""
    proc = servers.start_worker(shop.env(), shop.workdir, queue=shop.config["CELERY_QUEUE"],
                                concurrency=2, timeout=60)
    stack.callback(proc.stop)
    return proc
