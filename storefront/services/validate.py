"""One parser per kind of input a visitor or staff member sends: ids and page numbers, counts,
JSON bodies. Views, the cart and the admin all import these; none parses numbers by hand.

Every parser returns None (or raises ``Invalid``) for bad input instead of letting a
``ValueError``, ``OverflowError`` or ``TypeError`` escape as a 500: bad input is the sender's
error, a 4xx, and changes nothing.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

MAX_ID = 2**31 - 1  # the INTEGER columns' range: a bigger number would be the database's error
MAX_COUNT = 9999  # most of one SKU a cart line may hold
COUNT_HELP = "Enter a quantity: a whole number from 1 to 9999."
_ASCII_DIGITS = frozenset("0123456789")
_MAX_DIGITS = 12  # more digits than any id or count: refused before int() does the work


class Invalid(ValueError):
    """The input is not what the field takes; the message is fit for the sender."""


def _ascii_int(raw: object) -> int | None:
    """A non-negative integer written in ASCII digits only, else None.

    ``str.isdigit()`` is not enough: it accepts '²' (which int() rejects with a ValueError)
    and '١٢' (Arabic-Indic digits, which int() takes as 12); int() alone also takes ' 7 ',
    '+7' and '1_000'. An id or a count is what a form or a URL writes: 0-9 and nothing else.
    """
    if not isinstance(raw, str) or not 0 < len(raw) <= _MAX_DIGITS:
        return None
    if not _ASCII_DIGITS.issuperset(raw):
        return None
    return int(raw)


def positive_int(raw: object) -> int | None:
    """``raw`` as an id or page number (1 .. 2**31-1), or None for anything else."""
    value = _ascii_int(raw)
    return value if value is not None and 0 < value <= MAX_ID else None


def count(raw: object) -> int | None:
    """A quantity (1 .. MAX_COUNT) from a form string or a JSON integer, or None.

    JSON booleans and floats are refused, not coerced: ``true`` is not 1 item and ``2.7``
    is not 2. (``bool`` is a subclass of ``int``, hence the explicit check.)
    """
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value: int | None = raw
    else:
        value = _ascii_int(raw)
    return value if value is not None and 1 <= value <= MAX_COUNT else None


def json_object(body: bytes) -> dict[str, Any]:
    """A request body that must be one JSON object; ``Invalid`` for anything else.

    Python's json module reads ``NaN``, ``Infinity`` and numbers like 1e400 (inf): those are
    not JSON and are refused here, as are arrays, strings and bare numbers at the top.
    """
    try:
        value = json.loads(body, parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise Invalid("The request body is not valid JSON.") from exc
    if not isinstance(value, dict):
        raise Invalid("The request body must be a JSON object.")
    return value


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not JSON")


def form_fields(data: object) -> dict[str, str]:
    """A JSON body as the form it stands for: one object whose values are text or whole
    numbers, numbers becoming text as a form would send them; ``Invalid`` for the rest.

    Flask-WTF hands any JSON value to a MultiDict and its fields to WTForms: an array or a
    bare string was a 500, ``{"username": true}`` a TypeError in Length(), and
    ``{"count": true}`` or ``2.7`` a silent 1 or 2. Booleans, floats, null, arrays and
    nested objects are not form values.
    """
    if not isinstance(data, dict):
        raise Invalid("The request body must be a JSON object.")
    fields: dict[str, str] = {}
    for key, value in data.items():
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise Invalid(f"{key!r} must be text or a whole number.")
        fields[key] = str(value)
    return fields


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None: no scheme, no host, no tricks."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if any(ch in target for ch in "\\\r\n\t") or any(ord(ch) < 32 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
