"""Celery bound to a Flask app: every task runs inside that app's context."""

from __future__ import annotations

import logging
import threading
import time

from celery import Celery, Task, signals
from flask import Flask

task_log = logging.getLogger("storefront.tasks")


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args: object, **kwargs: object) -> object:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask, include=["storefront.tasks"])
    celery_app.config_from_object(app.config["CELERY"])
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    # page files go at their price boundaries (services/offers/schedule.py); one that passed
    # while this worker was down goes as it starts
    signals.worker_ready.connect(lambda **_: _guard_boundaries(app), weak=False)
    # product views nginx served from the files go into the histories from its log
    signals.worker_ready.connect(lambda **_: _read_views(app), weak=False)
    every = float(app.config["PAGES_POLL_SECONDS"])
    if every > 0:
        signals.worker_ready.connect(lambda **_: _poll_changes(app, every), weak=False)
    return celery_app


def _poll_changes(app: Flask, every: float) -> None:
    """A node's listener reads the log of stale pages by itself too (services/pages/freshness.py):
    Redis pub/sub delivers a broadcast only to those subscribed at that moment."""
    from storefront.services.pages import freshness

    def loop() -> None:
        while True:
            time.sleep(every)
            with app.app_context():
                try:
                    freshness.catch_up()
                except Exception:  # the next round tries again
                    task_log.warning("reading the log of stale pages failed", exc_info=True)

    threading.Thread(target=loop, name="pages-poll", daemon=True).start()


def _guard_boundaries(app: Flask) -> None:
    from storefront.services.offers import schedule

    schedule.start_guard(app)


def _read_views(app: Flask) -> None:
    from storefront.services.pages import views_log

    views_log.start(app)


# Task lifecycle lines, in the same logfmt as the request log.
@signals.task_prerun.connect
def _task_started(task_id: str, task: Task, **_: object) -> None:
    task_log.info("task=%s id=%s event=start", task.name, task_id)


@signals.task_postrun.connect
def _task_finished(task_id: str, task: Task, state: str | None = None, **_: object) -> None:
    task_log.info("task=%s id=%s event=finish state=%s", task.name, task_id, state)


@signals.task_retry.connect
def _task_retry(request: object, reason: object, **_: object) -> None:
    task_log.warning("task=%s id=%s event=retry reason=%r",
                     getattr(request, "task", "?"), getattr(request, "id", "?"), str(reason))
