"""The bench's own servers, started with devtools/servers.py's helpers (own process group,
log file, 127.0.0.1 and a free port; the tests use them too) and stopped by the
``ExitStack`` they are entered on."""

from __future__ import annotations

import shutil
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from bench.shop import Shop
from devtools import servers

BENCH = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Gunicorn:
    """The settings every gunicorn of a comparison runs with, the floor's included."""

    workers: int = 2
    threads: int = 4
    max_requests: int = 0  # 0: no recycling (the deploy default too; bench/memory.py)

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
    """deploy/nginx.conf in front of the shop's gunicorn, the page files from disk."""
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

    def static(self, name: str, page: Path) -> str:
        """A copy of the page file ``page`` (``.html``) and its ``.gz`` and ``.br`` twins,
        served by the floor nginx as a plain file: the same bytes, sent the same way."""
        for suffix in ("", ".gz", ".br"):
            source = page.with_name(page.name + suffix)
            if source.exists():
                shutil.copyfile(source, self.nginx_dir / f"{name}.html{suffix}")
        return f"http://{servers.HOST}:{self.nginx_port}/{name}.html"

    def flask(self, size: int) -> str:
        """``size`` bytes from memory, from a bare Flask view."""
        return f"http://{servers.HOST}:{self.gunicorn_port}/bytes/{size}"


def floors(stack: ExitStack, shop: Shop, settings: Gunicorn) -> Floors:
    """bench/nginx_floor.conf (plain files and their twins) and bench/floor_app.py under
    ``settings``."""
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
