"""The embedded defaults' Redis: fakeredis in this process, kept on disk between runs.

`make run` has no Redis server, yet a shopper's cart, history and anonymous cart must survive
a restart, as they do on a real Redis with persistence. The stand-in does what Redis's own
RDB snapshots do, with fakeredis's public commands: every ``REDIS_SNAPSHOT_SECONDS`` (and at
exit) a thread takes DUMP and PEXPIRETIME of every key in one MULTI and, when that differs
from what is on disk, writes it to ``REDIS_SNAPSHOT_PATH`` (a temporary file, fsync, one
rename: a reader sees the old snapshot or the new one). At start the snapshot is loaded with
RESTORE, keys whose time ran out while the shop was stopped left out.

Like a real server's RDB file, what changed in the last second before a crash may be lost.
The stand-in is one process's: a CLI command run beside ``flask run`` has its own, and the
server, noticing the file is no longer its own, writes its data again.
"""

from __future__ import annotations

import atexit
import base64
import json
import logging
import os
import threading
import time
import weakref

import fakeredis

log = logging.getLogger(__name__)
EMPTY = b"[]"


def in_process(path: str | None, every: float) -> tuple[fakeredis.FakeRedis, Snapshots | None]:
    """A new in-process Redis and, with ``path``, what loads it from there and writes it
    back (keep it as long as the client: its thread stops when it is collected)."""
    server = fakeredis.FakeServer()
    snapshots = Snapshots(server, path) if path else None
    if snapshots:
        snapshots.start(every)
    return fakeredis.FakeRedis(server=server, decode_responses=True), snapshots


class Snapshots:
    def __init__(self, server: fakeredis.FakeServer, path: str) -> None:
        self.raw = fakeredis.FakeRedis(server=server)  # bytes in, bytes out
        self.path, self.lock = path, threading.Lock()
        self.written: tuple[bytes, tuple[int, int] | None] = (EMPTY, None)
        self.changed_here = False  # whether this process changed the data since loading it

    def start(self, every: float) -> None:
        self.load()
        ref = weakref.ref(self)  # the thread and atexit keep no app alive on their own
        atexit.register(_save, ref)
        if every > 0:
            threading.Thread(target=_keep_saving, args=(ref, every), daemon=True,
                             name="redis-snapshots").start()

    def load(self) -> None:
        try:
            with open(self.path, "rb") as f:
                data = f.read()
            entries = [(base64.b64decode(k), int(t), base64.b64decode(v))
                       for k, t, v in json.loads(data)]
        except FileNotFoundError:
            return
        except Exception:
            log.warning("redis stand-in: %s unreadable, starting empty", self.path,
                        exc_info=True)
            return
        now_ms = int(time.time() * 1000)
        with self.raw.pipeline(transaction=True) as pipe:
            for key, expires_at, value in entries:
                if expires_at < 0 or expires_at > now_ms:
                    pipe.restore(key, max(expires_at - now_ms, 0) if expires_at > 0 else 0,
                                 value, replace=True)
            pipe.execute()
        self.written = (data, _stat(self.path))
        log.info("redis stand-in: %d keys loaded from %s", len(entries), self.path)

    def dump(self) -> bytes:
        keys = sorted(self.raw.keys("*"))
        with self.raw.pipeline(transaction=True) as pipe:
            for key in keys:
                pipe.pexpiretime(key)
                pipe.dump(key)
            replies = pipe.execute()
        entries = [(_text(key), replies[2 * i], _text(replies[2 * i + 1]))
                   for i, key in enumerate(keys) if replies[2 * i + 1] is not None]
        return json.dumps(entries, separators=(",", ":")).encode()

    def save(self) -> bool:
        """Write the snapshot when the data changed since it was last written or loaded, or
        when another process replaced the file and this one has data of its own to keep."""
        with self.lock:
            data = self.dump()
            self.changed_here = self.changed_here or data != self.written[0]
            if data == self.written[0] and (_stat(self.path) == self.written[1]
                                            or not self.changed_here):
                return False
            os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
            tmp = f"{self.path}.{os.getpid()}.tmp"
            with open(tmp, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
            self.written = (data, _stat(self.path))
            return True


def _text(value: bytes) -> str:
    return base64.b64encode(value).decode()


def _stat(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return st.st_mtime_ns, st.st_size


def _save(ref: weakref.ref[Snapshots]) -> None:
    snapshots = ref()
    if snapshots is not None:
        try:
            snapshots.save()
        except Exception:
            log.error("redis stand-in: snapshot not written", exc_info=True)


def _keep_saving(ref: weakref.ref[Snapshots], every: float) -> None:
    while ref() is not None:
        _save(ref)
        time.sleep(every)
