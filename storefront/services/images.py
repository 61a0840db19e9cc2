"""The ladder of sizes every shop image gets: made once when the image is saved (an upload,
the demo seed), read by the templates to write ``srcset``, ``width`` and ``height``.

An original ``goods/abc.jpg`` under MEDIA_ROOT gets ``goods/abc.160w.webp``,
``goods/abc.160w.jpg``, ``goods/abc.320w.webp``... up to its own width or 1280 px, whichever
is smaller. Nothing is recorded in the database: the widths follow from the original's size
(read from its header), so an image saved before ladders existed, or whose ladder could not
be made, is still shown, from its original.
"""

from __future__ import annotations

import io
import os
import warnings
from functools import lru_cache
from typing import NamedTuple

from flask import current_app, url_for
from PIL import Image, ImageOps

LADDER = (160, 320, 640, 1280)
WEBP_QUALITY = 80
JPEG_QUALITY = 82
FORMATS = (("webp", "WEBP"), ("jpg", "JPEG"))
OPTIONS: dict[str, dict] = {
    "WEBP": {"quality": WEBP_QUALITY, "method": 2},  # 4 (the default) is 2x the time
    "JPEG": {"quality": JPEG_QUALITY, "optimize": True, "progressive": True},
}
PAPER = (255, 255, 255)  # what a transparent upload stands on in a JPEG


class ImageSet(NamedTuple):
    """What a template needs to show one image: ``src`` for browsers without srcset, the
    two srcsets (empty when there is no ladder) and the intrinsic size."""

    src: str
    webp: str
    jpeg: str
    width: int
    height: int


def widths_for(width: int) -> tuple[int, ...]:
    """The ladder's widths for an original ``width`` px wide: never upscaled."""
    top = min(width, LADDER[-1])
    return tuple(sorted({w for w in LADDER if w < top} | {top}))


MAX_DENSITY = 2  # screens denser than this get the step a 2x screen gets: no eye tells


def steps_for(widths: tuple[int, ...], slot: tuple[int, int] | None) -> tuple[int, ...]:
    """The ladder's steps a slot ``slot`` = (narrowest, widest) CSS px can use: from the
    first that fills its narrowest at 1x to the first that fills its widest at
    ``MAX_DENSITY``; a browser never picks the others, so the page does not list them."""
    if slot is None:
        return widths
    narrowest, widest = slot
    first = next((w for w in widths if w >= narrowest), widths[-1])
    last = next((w for w in widths if w >= widest * MAX_DENSITY), widths[-1])
    return tuple(w for w in widths if first <= w <= last)


def variant(relative: str, width: int, ext: str) -> str:
    stem, _ = os.path.splitext(relative)
    return f"{stem}.{width}w.{ext}"


def _path(relative: str) -> str:
    return os.path.join(current_app.config["MEDIA_ROOT"], *relative.split("/"))


def ladder_bytes(image: Image.Image) -> dict[tuple[int, str], bytes]:
    """The ladder of ``image``, encoded: (width, extension) -> the file's bytes."""
    rgb = _flatten(image)
    files = {}
    step = rgb
    for width in sorted(widths_for(rgb.width), reverse=True):
        step = _smaller(step, width, round(rgb.height * width / rgb.width))
        for ext, fmt in FORMATS:
            buffer = io.BytesIO()
            step.save(buffer, fmt, **OPTIONS[fmt])
            files[width, ext] = buffer.getvalue()
    return files


def _smaller(image: Image.Image, width: int, height: int) -> Image.Image:
    """``image`` scaled down to ``width`` x ``height``: halved by averaging when it is
    exactly twice that (as fine, and ten times faster), else by Lanczos."""
    if image.size == (width, height):
        return image
    if image.size == (width * 2, height * 2):
        return image.reduce(2)
    return image.resize((width, max(1, height)), Image.Resampling.LANCZOS)


class TooLarge(ValueError):
    """More pixels than IMAGE_MAX_PIXELS: refused before any is decoded."""


def check_pixels(image: Image.Image) -> None:
    """``TooLarge`` for an image above IMAGE_MAX_PIXELS (read from its header only)."""
    limit = current_app.config["IMAGE_MAX_PIXELS"]
    width, height = image.size
    if width * height > limit:
        raise TooLarge(f"The image is {width} x {height} pixels ({width * height / 1e6:.0f} "
                       f"megapixels); product pictures may have at most {limit / 1e6:g}.")


def make_ladder(relative: str) -> tuple[int, ...]:
    """Write the ladder of the image at ``relative``; its widths. Each file is written under
    a temporary name and renamed, so a page never links to half a file."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(_path(relative)) as opened:
            check_pixels(opened)
            image = ImageOps.exif_transpose(opened)
            image.load()
    files = ladder_bytes(image)
    for (width, ext), data in files.items():
        target = _path(variant(relative, width, ext))
        with open(f"{target}.tmp", "wb") as out:
            out.write(data)
        os.replace(f"{target}.tmp", target)
    return tuple(sorted({width for width, _ in files}))


def _flatten(image: Image.Image) -> Image.Image:
    """RGB, a transparent image laid on white (JPEG has no alpha, and a ladder step should
    look the same in both formats); an animated GIF gives its first frame."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P"
                                             and "transparency" in image.info):
        rgba = image.convert("RGBA")
        paper = Image.new("RGB", rgba.size, PAPER)
        paper.paste(rgba, mask=rgba.getchannel("A"))
        return paper
    return image.convert("RGB")


@lru_cache(maxsize=4096)
def _size(path: str, mtime_ns: int) -> tuple[int, int] | None:
    try:
        with Image.open(path) as image:  # the header only: no pixels are decoded
            width, height = image.size
            return (height, width) if _rotated(image) else (width, height)
    except (OSError, ValueError, Image.DecompressionBombError):
        return None


def _rotated(image: Image.Image) -> bool:
    return image.getexif().get(0x0112, 1) in (5, 6, 7, 8)  # EXIF orientation: a quarter turn


def image_set(relative: str | None, fallback: tuple[int, int] = (400, 400),
              slot: tuple[int, int] | None = None) -> ImageSet:
    """How to show the image at ``relative``: its ladder if it has one (the steps ``slot``
    can use: ``steps_for``), else the original; the placeholder (``fallback`` sized) for none
    or an unreadable file."""
    if not relative:
        src = url_for("static", filename="img/placeholder.svg")
        return ImageSet(src, "", "", *fallback)
    path = _path(relative)
    try:
        size = _size(path, os.stat(path).st_mtime_ns)
    except (OSError, ValueError):
        size = None
    if size is None:
        return ImageSet(url_for("media", filename=relative), "", "", *fallback)
    widths = widths_for(size[0])
    if not os.path.exists(_path(variant(relative, widths[-1], "webp"))):
        return ImageSet(url_for("media", filename=relative), "", "", *size)

    def srcset(ext: str) -> str:
        return ", ".join(f"{url_for('media', filename=variant(relative, w, ext))} {w}w"
                         for w in steps_for(widths, slot))
    # src: for browsers without srcset, and what the admin and tests know the image by
    return ImageSet(url_for("media", filename=relative), srcset("webp"), srcset("jpg"), *size)
