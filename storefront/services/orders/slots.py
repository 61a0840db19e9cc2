"""Delivery slots: one hour each, with a capacity. Created ahead (``generate``: the CLI and
beat), offered while they start far enough ahead and have room, taken by a conditional
UPDATE at placing (``placing``), given back by a cancel (``status``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from storefront.extensions import db
from storefront.models import DeliverySlot, utcnow

HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class SlotChoice:
    id: int
    starts_at: datetime  # UTC, naive, as stored
    label: str
    left: int


def label(starts_at: datetime, ends_at: datetime) -> str:
    """A slot as the shopper reads it, in the shop's time zone."""
    zone = ZoneInfo(current_app.config["SHOP_TIMEZONE"])
    start = starts_at.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone)
    end = ends_at.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone)
    return f"{start:%a %d %b}, {start:%H:%M}–{end:%H:%M}"


def earliest_start(now: datetime | None = None) -> datetime:
    """Slots starting before this are past for a new order (the van needs packing time)."""
    return (now or utcnow()) + timedelta(minutes=int(current_app.config["SLOT_CUTOFF_MINUTES"]))


def offered(now: datetime | None = None, limit: int = 200) -> list[SlotChoice]:
    """Slots a shopper can pick now: not past, not full, soonest first."""
    rows = db.session.scalars(
        select(DeliverySlot)
        .where(DeliverySlot.starts_at >= earliest_start(now),
               DeliverySlot.taken < DeliverySlot.capacity)
        .order_by(DeliverySlot.starts_at).limit(limit))
    return [SlotChoice(s.id, s.starts_at, label(s.starts_at, s.ends_at), s.capacity - s.taken)
            for s in rows]


def generate(days: int, now: datetime | None = None) -> int:
    """Create the one-hour slots of the next ``days`` days within the shop's delivery hours
    (SLOT_FIRST_HOUR to SLOT_LAST_HOUR, shop time); slots that exist are left as they are, so
    running it again (beat, cron, by hand) adds only what is missing. Returns how many."""
    cfg = current_app.config
    zone, utc = ZoneInfo(cfg["SHOP_TIMEZONE"]), ZoneInfo("UTC")
    today = (now or utcnow()).replace(tzinfo=utc).astimezone(zone).date()
    wanted = []
    for day in range(days + 1):
        date = today + timedelta(days=day)
        for hour in range(int(cfg["SLOT_FIRST_HOUR"]), int(cfg["SLOT_LAST_HOUR"])):
            local = datetime(date.year, date.month, date.day, hour, tzinfo=zone)
            wanted.append(local.astimezone(utc).replace(tzinfo=None))
    wanted = [w for w in wanted if w >= (now or utcnow())]
    if not wanted:
        return 0
    existing = set(db.session.scalars(select(DeliverySlot.starts_at).where(
        DeliverySlot.starts_at.in_(wanted))))
    created = 0
    for starts_at in wanted:
        if starts_at in existing:
            continue
        try:  # another generator (beat and a CLI run at once) may add the same hour
            with db.session.begin_nested():
                db.session.add(DeliverySlot(starts_at=starts_at, ends_at=starts_at + HOUR,
                                            capacity=int(cfg["SLOT_CAPACITY"]), taken=0))
            created += 1
        except IntegrityError:
            pass
    db.session.commit()
    return created


def take(slot_id: int, now: datetime) -> bool:
    """One place in the slot, if it has room and is still offered (in the caller's
    transaction): the check and the increment are one statement."""
    result = db.session.execute(
        update(DeliverySlot)
        .where(DeliverySlot.id == slot_id, DeliverySlot.taken < DeliverySlot.capacity,
               DeliverySlot.starts_at >= earliest_start(now))
        .values(taken=DeliverySlot.taken + 1)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def give_back(slot_id: int) -> None:
    db.session.execute(
        update(DeliverySlot).where(DeliverySlot.id == slot_id, DeliverySlot.taken > 0)
        .values(taken=DeliverySlot.taken - 1).execution_options(synchronize_session=False))
