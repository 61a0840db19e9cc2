"""Celery's settings, derived from the app's (``config._derive`` calls ``celery_settings``;
``celery_app`` reads them): the broker on the app's Redis or Sentinel, late acks, the
redelivery timeout, the cluster's broadcast queue and beat's schedule."""

from __future__ import annotations

from flask import Config

from storefront.config import redis_timeouts


def celery_settings(cfg: Config, redis_url: str, sentinels: list[tuple[str, int]]) -> dict:
    """Celery's settings (celery_app reads them), from the app's."""
    return {
        "broker_url": cfg.get("CELERY_BROKER_URL") or _broker_url(sentinels, redis_url),
        "task_always_eager": cfg["CELERY_TASK_ALWAYS_EAGER"],
        "task_default_queue": cfg["CELERY_QUEUE"],
        "task_eager_propagates": True,
        "task_ignore_result": True,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "broker_connection_retry_on_startup": True,
        "worker_hijack_root_logger": False,  # keep storefront.logs' format
        # a save must not hang on a dead broker: give up publishing quickly
        "task_publish_retry_policy": {"max_retries": 2, "interval_start": 0,
                                      "interval_step": 0.2, "interval_max": 0.5},
        "broker_connection_timeout": 2,
        "broker_transport_options": {
            **_redelivery(int(cfg["CELERY_VISIBILITY_TIMEOUT"])),
            **({"master_name": cfg["REDIS_MASTER_NAME"],
                "sentinel_kwargs": redis_timeouts(cfg)} if sentinels else {}),
        },
        **_broadcast(cfg["CELERY_QUEUE"], cfg["PAGES_BROADCAST_QUEUE"]),
        "beat_schedule": {
            "pages-safety-net": {
                "task": "storefront.tasks.sweep_pages",
                "schedule": float(cfg["INDEX_SAFETY_NET_SECONDS"]),
            },
            "delivery-slots": {"task": "storefront.tasks.generate_slots",
                               "schedule": 3600.0},
            "best-sellers": {"task": "storefront.tasks.refresh_best_sellers",
                             "schedule": float(cfg["BEST_SELLERS_SECONDS"])},
        },
    }


def _redelivery(visibility_timeout: int) -> dict[str, int]:
    """How soon a task held by a worker that died (SIGKILL, a lost machine) runs again: its
    message goes back to the queue once ``visibility_timeout`` has passed, found by a sweep
    that kombu by default makes only every ~100 s."""
    return {
        "visibility_timeout": visibility_timeout,
        "unacked_restore_interval": min(10, max(1, visibility_timeout // 2)),
        "unacked_restore_throttle": 1,
    }


def _broker_url(sentinels: list[tuple[str, int]], redis_url: str) -> str:
    """kombu's spelling of several Sentinels: sentinel://h:p;sentinel://h:p (the master's
    name goes in the transport options)."""
    if sentinels:
        return ";".join(f"sentinel://{host}:{port}" for host, port in sentinels)
    # kombu warns "No hostname was supplied" for a bare "memory://"
    return redis_url or "memory://localhost/"


def _broadcast(queue: str, broadcast: str) -> dict:
    """With several nodes: the node's own queue, plus a fanout queue that every node's worker
    consumes (kombu's Broadcast; over Redis a PUBLISH, so a worker that is down misses it:
    freshness.catch_up covers that when the node comes back)."""
    if not broadcast:
        return {}
    from kombu import Queue
    from kombu.common import Broadcast

    # One routing key for all: over Redis it is part of the PUB/SUB channel's name, and the
    # default (each node's own queue name) would keep every node on a channel of its own.
    return {
        "task_queues": (Queue(queue), Broadcast(broadcast, routing_key=broadcast)),
        "task_routes": {"storefront.tasks.pages_stale": {
            "queue": broadcast, "exchange": broadcast, "routing_key": broadcast}},
    }
