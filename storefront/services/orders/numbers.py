"""Order numbers: short, human, and saying nothing about how many orders the shop takes
(a sequence would, and would invite guessing others' numbers). SF-<yymm>-<six digits>; a
clash (one in a million per month) is caught by the unique index and drawn again."""

from __future__ import annotations

import secrets
from datetime import datetime

PATTERN = r"SF-\d{4}-\d{6}"


def new_order_no(at: datetime) -> str:
    return f"SF-{at:%y%m}-{secrets.randbelow(1_000_000):06d}"
