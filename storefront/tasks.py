"""Celery tasks. Each is idempotent: running one twice, or after a crash, does no harm."""

from __future__ import annotations

import logging

from celery import shared_task
from redis import RedisError
from sqlalchemy.exc import SQLAlchemyError

from storefront import freshness
from storefront.services.static_pages import write_index_html

log = logging.getLogger(__name__)


@shared_task(
    autoretry_for=(SQLAlchemyError, RedisError, OSError),
    retry_backoff=1,
    retry_backoff_max=30,
    retry_jitter=True,
    max_retries=10,
    acks_late=True,
    reject_on_worker_lost=True,
)
def render_index() -> str:
    """Re-render the static homepage from the database as it is now."""
    freshness.started_render()
    path = write_index_html()
    log.info("static homepage written to %s", path)
    return str(path)
