"""The category colours of the demo pictures, and the shapes drawn when no emoji art is
installed (demo/artwork.py): the demo still runs, in clip-art."""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache
from typing import NamedTuple

from PIL import Image, ImageDraw

Color = tuple[int, int, int]


class Palette(NamedTuple):
    top: Color  # gradient start
    bottom: Color  # gradient end
    accent: Color  # the shape and highlights
    ink: Color  # text


PALETTES: dict[str, Palette] = {
    "fruit": Palette((255, 241, 222), (255, 204, 160), (240, 108, 40), (92, 40, 12)),
    "seafood": Palette((226, 242, 255), (160, 204, 240), (32, 112, 190), (14, 46, 88)),
    "meat": Palette((255, 232, 230), (242, 172, 168), (190, 52, 62), (90, 20, 26)),
    "eggs": Palette((255, 251, 228), (250, 226, 150), (226, 160, 24), (96, 66, 6)),
    "veg": Palette((234, 250, 228), (172, 222, 160), (58, 148, 62), (22, 70, 26)),
    "ice": Palette((232, 249, 253), (168, 222, 236), (36, 150, 182), (12, 70, 88)),
}
WHITE = (255, 255, 255)


# Shapes are drawn on a transparent square of side ``s`` (twice the final size, then scaled
# down: Pillow draws without anti-aliasing, so this is what gives them smooth edges).


def _fruit(d: ImageDraw.ImageDraw, s: int, p: Palette) -> None:
    d.line([(0.5 * s, 0.24 * s), (0.56 * s, 0.08 * s)], fill=(110, 70, 40), width=round(s * .04))
    d.ellipse([0.55 * s, 0.06 * s, 0.84 * s, 0.2 * s], fill=(76, 160, 70))
    d.ellipse([0.12 * s, 0.2 * s, 0.88 * s, 0.94 * s], fill=p.accent)
    d.ellipse([0.26 * s, 0.33 * s, 0.4 * s, 0.5 * s], fill=(255, 255, 255, 110))


def _fish(d: ImageDraw.ImageDraw, s: int, p: Palette) -> None:
    d.polygon([(0.62 * s, 0.5 * s), (0.94 * s, 0.28 * s), (0.94 * s, 0.72 * s)], fill=p.accent)
    d.polygon([(0.3 * s, 0.34 * s), (0.5 * s, 0.2 * s), (0.52 * s, 0.36 * s)], fill=p.ink)
    d.ellipse([0.06 * s, 0.3 * s, 0.74 * s, 0.72 * s], fill=p.accent)
    d.ellipse([0.17 * s, 0.41 * s, 0.27 * s, 0.51 * s], fill=WHITE)
    d.ellipse([0.2 * s, 0.44 * s, 0.25 * s, 0.49 * s], fill=p.ink)
    for x, y, r in ((0.12, 0.18, 0.04), (0.2, 0.08, 0.03)):
        d.ellipse([(x - r) * s, (y - r) * s, (x + r) * s, (y + r) * s], outline=p.accent,
                  width=round(s * 0.012))


def _drumstick(d: ImageDraw.ImageDraw, s: int, p: Palette) -> None:
    bone = (250, 240, 226)
    d.line([(0.5 * s, 0.5 * s), (0.84 * s, 0.84 * s)], fill=bone, width=round(s * 0.1))
    for x, y in ((0.9, 0.8), (0.8, 0.9)):
        d.ellipse([(x - 0.07) * s, (y - 0.07) * s, (x + 0.07) * s, (y + 0.07) * s], fill=bone)
    d.ellipse([0.08 * s, 0.08 * s, 0.68 * s, 0.68 * s], fill=p.accent)
    d.ellipse([0.2 * s, 0.18 * s, 0.34 * s, 0.3 * s], fill=(255, 255, 255, 100))


def _eggs(d: ImageDraw.ImageDraw, s: int, p: Palette) -> None:
    line = round(s * 0.015)
    d.ellipse([0.16 * s, 0.08 * s, 0.64 * s, 0.8 * s], fill=(255, 252, 244), outline=p.accent,
              width=line)
    d.ellipse([0.46 * s, 0.3 * s, 0.86 * s, 0.92 * s], fill=(244, 214, 176), outline=p.accent,
              width=line)


def _broccoli(d: ImageDraw.ImageDraw, s: int, p: Palette) -> None:
    d.polygon([(0.42 * s, 0.5 * s), (0.58 * s, 0.5 * s), (0.63 * s, 0.94 * s),
               (0.37 * s, 0.94 * s)], fill=(156, 204, 112))
    darker = tuple(round(c * 0.8) for c in p.accent)
    for x, y, colour in ((0.3, 0.44, darker), (0.7, 0.44, darker), (0.5, 0.3, p.accent),
                         (0.38, 0.56, p.accent), (0.62, 0.56, p.accent)):
        d.ellipse([(x - 0.18) * s, (y - 0.18) * s, (x + 0.18) * s, (y + 0.18) * s], fill=colour)


def _snowflake(d: ImageDraw.ImageDraw, s: int, p: Palette) -> None:
    c, arm, width = s / 2, s * 0.42, round(s * 0.05)
    for k in range(6):
        a = math.radians(60 * k)
        end = (c + arm * math.cos(a), c + arm * math.sin(a))
        d.line([(c, c), end], fill=p.accent, width=width)
        mid = (c + arm * 0.6 * math.cos(a), c + arm * 0.6 * math.sin(a))
        for side in (-1, 1):
            b = a + side * math.radians(40)
            d.line([mid, (mid[0] + arm * 0.3 * math.cos(b), mid[1] + arm * 0.3 * math.sin(b))],
                   fill=p.accent, width=width)
    d.ellipse([c - s * 0.08, c - s * 0.08, c + s * 0.08, c + s * 0.08], fill=p.accent)


def _bottle(d: ImageDraw.ImageDraw, s: int, p: Palette) -> None:
    line = round(s * 0.015)
    d.rectangle([0.39 * s, 0.14 * s, 0.61 * s, 0.34 * s], fill=(255, 253, 248), outline=p.accent,
                width=line)
    d.rounded_rectangle([0.26 * s, 0.3 * s, 0.74 * s, 0.94 * s], radius=round(s * 0.1),
                        fill=(255, 253, 248), outline=p.accent, width=line)
    d.rounded_rectangle([0.36 * s, 0.05 * s, 0.64 * s, 0.16 * s], radius=round(s * 0.03),
                        fill=p.accent)
    d.rectangle([0.27 * s, 0.52 * s, 0.73 * s, 0.74 * s], fill=p.accent)


def _carrot(d: ImageDraw.ImageDraw, s: int, p: Palette) -> None:
    for x0, x1 in ((0.34, 0.5), (0.44, 0.56), (0.5, 0.66)):
        d.ellipse([x0 * s, 0.04 * s, x1 * s, 0.34 * s], fill=(76, 160, 70))
    d.polygon([(0.3 * s, 0.32 * s), (0.7 * s, 0.32 * s), (0.52 * s, 0.96 * s),
               (0.48 * s, 0.96 * s)], fill=p.accent)
    d.ellipse([0.3 * s, 0.24 * s, 0.7 * s, 0.4 * s], fill=p.accent)
    darker = tuple(round(c * 0.8) for c in p.accent)
    for y, x0, x1 in ((0.48, 0.36, 0.5), (0.62, 0.5, 0.6), (0.76, 0.44, 0.52)):
        d.line([(x0 * s, y * s), (x1 * s, y * s)], fill=darker, width=round(s * 0.02))


SHAPES: dict[str, Callable[[ImageDraw.ImageDraw, int, Palette], None]] = {
    "fruit": _fruit, "seafood": _fish, "meat": _drumstick, "eggs": _eggs, "veg": _broccoli,
    "ice": _snowflake, "bottle": _bottle, "carrot": _carrot,
}


@lru_cache(maxsize=64)
def shape_layer(logo: str, side: int, palette: Palette) -> Image.Image:
    """The shape of ``logo`` on a transparent square of ``side`` pixels, smoothed as above."""
    layer = Image.new("RGBA", (side * 2, side * 2), (0, 0, 0, 0))
    SHAPES.get(logo, _fruit)(ImageDraw.Draw(layer, "RGBA"), side * 2, palette)
    return layer.resize((side, side), Image.Resampling.LANCZOS)
