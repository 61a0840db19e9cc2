"""Servers started once per pytest process (an xdist worker) in front of its services space
(tests/databases.py): the space is emptied before each test, so every test still starts on
a clean shop while gunicorn and nginx start once instead of once per test."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import storefront
from tests import servers

STATIC_DIR = str(Path(storefront.__file__).parent / "static")


class SharedSite:
    """nginx (deploy/nginx.conf) on a free port in front of gunicorn serving the app of
    ``config`` (the process's database, Redis prefix and folders), tasks inline."""

    def __init__(self, config: Mapping, workdir: Path) -> None:
        self.workdir = workdir
        # inline tasks: nothing this process starts may queue work on the shared Redis
        self.env = servers.app_environment(config, FLASK_CELERY_TASK_ALWAYS_EAGER="true")
        self.pages, self.media = Path(config["STATIC_PAGES_DIR"]), Path(config["MEDIA_ROOT"])
        self.views_log = workdir / "nginx" / "logs" / "views.log"  # deploy/nginx.conf
        self.gunicorn, self.app_port = servers.start_gunicorn(self.env, workdir)
        try:
            self.nginx, self.port = servers.start_nginx(workdir, {
                "UPSTREAM": f"{servers.HOST}:{self.app_port}",
                "STATIC_PAGES_DIR": str(self.pages),
                "STATIC_DIR": STATIC_DIR,
                "MEDIA_ROOT": str(self.media),
            })
        except BaseException:
            self.gunicorn.stop()
            raise

    def ready(self) -> None:
        """Both running, for the next test: a test may have stopped gunicorn (the app down)."""
        if not self.gunicorn.running:
            self.gunicorn, _ = servers.start_gunicorn(self.env, self.workdir, self.app_port)
        if not self.nginx.running:
            raise servers.ServerError(f"nginx died:\n{self.nginx.log()}")

    def stop(self) -> None:
        try:
            self.nginx.stop()
        finally:
            self.gunicorn.stop()
