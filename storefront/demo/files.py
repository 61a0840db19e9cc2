"""Writing the demo pictures under MEDIA_ROOT, each with its ladder of sizes, on two threads.

Drawing and encoding a picture and its ladder takes about a tenth of a second, almost all of
it in Pillow and resvg, which let other threads run meanwhile: two workers make the seed's
150 pictures in about half the time. ``save`` returns the path at once (the rows can point at
it); ``finish`` waits for every file and raises the first error, before the seed commits.
"""

from __future__ import annotations

import functools
import io
import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from flask import current_app
from PIL import Image

from storefront.services import images

JPEG_QUALITY = 85
WORKERS = 2

Files = dict[tuple[int, str] | None, bytes]  # None: the original; (width, ext): a step

# The files of every picture drawn in this process, by key: never evicted (the demo's come
# to about 15 MB), so seeding again, as the tests do many times, costs no drawing.
_made: dict[tuple, Files] = {}
_pending: list[Future] = []


def save(draw: Callable[[], Image.Image], relative: str, key: tuple,
         keep_existing: bool = False) -> str:
    """Write the picture ``draw`` makes as a JPEG at ``relative`` under MEDIA_ROOT, with its
    ladder; ``relative``, as the database stores it. A picture already drawn in this process
    under ``key`` is written again from its bytes; with ``keep_existing`` a file already
    there is kept as it is."""
    root = current_app.config["MEDIA_ROOT"]
    path = os.path.join(root, *relative.split("/"))
    if keep_existing and os.path.exists(path):
        return relative
    os.makedirs(os.path.dirname(path), exist_ok=True)
    _pending.append(_pool().submit(_write, draw, root, relative, key))
    return relative


@functools.cache
def _pool() -> ThreadPoolExecutor:
    """One pool per process, made when the first picture is saved."""
    return ThreadPoolExecutor(WORKERS, thread_name_prefix="demo-pictures")


def finish() -> None:
    """Wait for every picture ``save`` started; the first error, if any, is raised here."""
    done, _pending[:] = list(_pending), []
    for future in done:
        future.result()


def _write(draw: Callable[[], Image.Image], root: str, relative: str, key: tuple) -> None:
    files = _made.get(key)
    if files is None:
        img = draw()
        buffer = io.BytesIO()
        img.save(buffer, "JPEG", quality=JPEG_QUALITY)
        files = _made[key] = {None: buffer.getvalue(), **images.ladder_bytes(img)}
    for step, data in files.items():
        target = relative if step is None else images.variant(relative, *step)
        with open(os.path.join(root, *target.split("/")), "wb") as out:
            out.write(data)
