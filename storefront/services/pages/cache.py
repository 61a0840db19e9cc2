"""The page layer's cache: rendered pages under their keys, the tags each one carries, a
stampede lock per key, and invalidation by tag.

Entries live in Flask-Caching as plain dicts of str, float and lists. Beside them, in Redis:
- ``tag:<tag>``, a set of the page keys that carry the tag (so an edit finds its pages,
  and their files); an invalidation deletes the sets it used;
- ``gen``, a counter bumped by every invalidation, and ``invalidations``, a sorted set of
  ``<gen>|<tag>`` scored by gen. A page built while an invalidation of one of its tags ran
  may have read the rows from before the commit: the builder notes ``gen`` before it reads,
  and after storing looks up what was invalidated since; if its tags are among them it drops
  what it stored (``stale_since``). An invalidation that starts after that check finds the
  page through its tag sets. Either way no entry outlives a commit that made it stale.

A cache that does not answer (Redis down) costs speed, never the page; what a failed
invalidation leaves behind expires after ``ENTRY_SECONDS`` (README, "Freshness").
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import redis

from storefront import redis_keys
from storefront.extensions import cache, redis_store
from storefront.services.pages import tags as tag

log = logging.getLogger(__name__)

ENTRY_SECONDS = 300  # the longest a page can stay stale when an invalidation is lost
LOCK_SECONDS = 10  # longest a rebuild may hold its lock before another may try
WAIT_SECONDS = 2.0  # how long the others wait for that rebuild before building themselves
LOG_LENGTH = 10_000  # invalidations kept for builders to check against


@dataclass(frozen=True)
class Entry:
    """A rendered page: ``html``, the one page for everybody, as nobody in particular sees it
    with the visitor's own parts inert in it (templates/_edge.html): a browser's script or
    nginx's SSI fills them in."""

    key: str
    html: str
    tags: tuple[str, ...]
    built_at: float
    # when its prices change next (an offer starts or ends; epoch seconds): no copy of the
    # page may be served from then on (services/offers/schedule.py)
    fresh_until: float | None = None

    @property
    def expired(self) -> bool:
        return self.fresh_until is not None and time.time() >= self.fresh_until

    @property
    def etag(self) -> str:
        return hashlib.blake2b(self.html.encode(), digest_size=12).hexdigest()

    def plain(self) -> dict[str, Any]:
        """What the cache keeps: plain data (SPEC: never a class of ours in a pickle)."""
        return {**dataclasses.asdict(self), "tags": list(self.tags)}

    @classmethod
    def from_plain(cls, value: dict[str, Any]) -> Entry:
        # an entry a node of the release before kept has "anonymous" too: not read
        value = {k: v for k, v in value.items() if k != "anonymous"}
        return cls(**{**value, "tags": tuple(value["tags"])})


Build = Callable[[], Entry | None]


def get_or_build(key: str, build: Build) -> Entry | None:
    """The cached page, else build it: one builder at a time per key, the rest wait.

    Nothing is cached for a None (a missing SKU): ids are endless, the cache is not.
    """
    entry = _get(key)
    if entry is not None:
        return entry
    lock = redis_store.client.lock(redis_keys.page_cache(f"lock:{key}"), timeout=LOCK_SECONDS,
                                   blocking=False)
    try:
        owner = lock.acquire()
    except redis.RedisError:  # no lock to take: build for this request alone
        owner = False
    if not owner:
        entry = _wait_for(key, lock)
        if entry is not None:
            return entry
    try:
        return build_and_store(key, build)
    finally:
        if owner:
            try:
                lock.release()
            except redis.RedisError:
                log.warning("page cache: could not release %s", key, exc_info=True)


def build_and_store(key: str, build: Build) -> Entry | None:
    """Build the page from the database now and store it, unless an edit overtook it."""
    since = generation()
    entry = build()
    if entry is None:
        return None
    if _store(entry) and stale_since(since, entry.tags):
        try:
            forget([key])
        except Exception:  # Redis went away between the two: the entry expires
            log.warning("page cache: could not drop overtaken %s", key, exc_info=True)
    return entry


def generation() -> int | None:
    try:
        return int(redis_store.client.get(redis_keys.page_cache("gen")) or 0)
    except redis.RedisError:
        return None


def stale_since(since: int | None, tags: Iterable[str]) -> bool:
    """True when one of ``tags`` was invalidated after generation ``since`` (or we cannot
    tell: Redis did not answer)."""
    if since is None:
        return True
    try:
        logged = redis_store.client.zrangebyscore(redis_keys.page_cache("invalidations"),
                                                  f"({since}", "+inf")
    except redis.RedisError:
        return True
    touched = {item.split("|", 1)[1] for item in logged}
    return tag.ALL in touched or not touched.isdisjoint(tags)


def invalidate(tags: Iterable[str]) -> set[str] | None:
    """Every page carrying one of ``tags`` is dropped; returns their keys, or None when
    Redis lost the record of which page carries what (it restarted empty): every page may
    be stale then."""
    tags = set(tags)
    if not tags:
        return set()
    client = redis_store.client
    gen = client.incr(redis_keys.page_cache("gen"))
    if gen == 1:  # the counter was gone, and the tag sets with it
        tags.add(tag.ALL)
    sets = [redis_keys.page_cache(f"tag:{t}") for t in tags]
    with client.pipeline(transaction=True) as pipe:
        pipe.zadd(redis_keys.page_cache("invalidations"), {f"{gen}|{t}": gen for t in tags})
        pipe.zremrangebyscore(redis_keys.page_cache("invalidations"), "-inf", gen - LOG_LENGTH)
        pipe.sunion(sets)
        pipe.delete(*sets)
        keys = pipe.execute()[2]
    forget(keys)
    return None if gen == 1 else set(keys)


def forget(keys: Iterable[str]) -> None:
    keys = [redis_keys.page_entry(k) for k in keys]
    if keys:
        cache.delete_many(*keys)


def _store(entry: Entry) -> bool:
    try:
        timeout = ENTRY_SECONDS
        if entry.fresh_until is not None:
            timeout = max(1, min(timeout, int(entry.fresh_until - time.time()) + 1))
        cache.set(redis_keys.page_entry(entry.key), entry.plain(), timeout=timeout)
        with redis_store.client.pipeline(transaction=False) as pipe:
            # the counter's absence later tells that Redis lost the tag sets (see invalidate)
            pipe.set(redis_keys.page_cache("gen"), 1, nx=True)
            # no expiry: a page's files outlive its entry, and an edit must still find them
            for t in entry.tags:
                pipe.sadd(redis_keys.page_cache(f"tag:{t}"), entry.key)
            pipe.execute()
    except Exception:  # Redis down: the page is served all the same, just not kept
        log.warning("page cache unavailable: %s not stored", entry.key, exc_info=True)
        return False
    return True


def _wait_for(key: str, lock: redis.lock.Lock) -> Entry | None:
    """The entry the lock's owner stores; None once it let go without storing one (a
    missing SKU) or the wait ran out."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(0.02)
        entry = _get(key)
        if entry is not None:
            return entry
        try:
            if not lock.locked():
                # the owner stores before it lets go: look once more, or this request
                # builds the page a second time between our read and its release
                return _get(key)
        except redis.RedisError:
            return None
    return None


def peek(key: str) -> Entry | None:
    """The cached page at ``key``, if any, without building it (tests, the bench)."""
    return _get(key)


def _get(key: str) -> Entry | None:
    try:
        value = cache.get(redis_keys.page_entry(key))
    except Exception:
        log.warning("page cache unavailable: building %s from the database", key,
                    exc_info=True)
        return None
    entry = Entry.from_plain(value) if value else None
    # checked on every read: a boundary that passed while nobody could drop the entry (the
    # worker or Redis was down) still ends it
    return None if entry is None or entry.expired else entry

