"""Delivery slots are created ahead by the CLI and beat, once each."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from storefront.extensions import db
from storefront.models import DeliverySlot
from storefront.services.orders import slots


def slot_count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(DeliverySlot))


def test_flask_slots_generate_is_idempotent(app, runner):
    first = runner.invoke(args=["slots", "generate", "--days", "7"])
    assert first.exit_code == 0, first.output
    created = slot_count()
    hours = app.config["SLOT_LAST_HOUR"] - app.config["SLOT_FIRST_HOUR"]
    assert 7 * hours <= created <= 8 * hours  # today's remaining hours and 7 more days
    again = runner.invoke(args=["slots", "generate", "--days", "7"])
    assert again.exit_code == 0 and "0 delivery slots created" in again.output
    assert slot_count() == created
    assert runner.invoke(args=["slots", "generate", "--days", "0"]).exit_code != 0


def test_slots_are_one_hour_in_the_shops_hours_and_time_zone(app):
    app.config["SHOP_TIMEZONE"] = "Asia/Shanghai"  # UTC+8: 08:00 there is 00:00 UTC
    now = datetime(2026, 12, 4, 0, 30)  # 08:30 in Shanghai: today's 08:00 slot is past
    assert slots.generate(1, now=now) == 2 * 13 - 1
    first = db.session.scalars(select(DeliverySlot).order_by(DeliverySlot.starts_at)).first()
    assert (first.starts_at, first.ends_at) == (datetime(2026, 12, 4, 1), datetime(2026, 12, 4, 2))
    assert slots.label(first.starts_at, first.ends_at) == "Fri 04 Dec, 09:00–10:00"


def test_beat_creates_slots_and_refreshes_best_sellers(app):
    schedule = app.config["CELERY"]["beat_schedule"]
    assert schedule["delivery-slots"]["task"] == "storefront.tasks.generate_slots"
    assert schedule["best-sellers"]["schedule"] == 300.0
    from storefront import tasks

    assert tasks.generate_slots() > 0  # the task as beat runs it (called, not joined)
