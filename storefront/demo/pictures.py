"""The demo pictures, drawn with Pillow: SKU, gallery, carousel, promotion and category
pictures, and saving them under ``MEDIA_ROOT``."""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from flask import current_app
from PIL import Image, ImageDraw, ImageFont

from storefront.demo.shapes import PALETTES, WHITE, Color, Palette, shape_layer

JPEG_QUALITY = 85

SKU_SIZE = (400, 400)
SLIDE_SIZE = (760, 270)
PROMO_SIZE = (240, 130)
CATEGORY_SIZE = (240, 300)


@lru_cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    # Pillow's bundled scalable font: no system font needed, same look everywhere.
    return ImageFont.load_default(size=size)


def _drawable(text: str) -> str:
    """``text`` without what the bundled font cannot draw: it has ASCII only, so accents are
    stripped ("Creme") and CJK and emoji dropped."""
    kept = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(kept.split())


def _wrap(text: str, size: int, width: int, max_lines: int) -> list[str]:
    font = _font(size)
    lines: list[str] = []
    for word in text.split():
        if lines and font.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1] + "..."
    return lines


def _gradient(size: tuple[int, int], start: Color, end: Color, across: bool = False
              ) -> Image.Image:
    # linear_gradient runs black to white top to bottom; rotated, it runs left to right.
    mask = Image.linear_gradient("L")
    if across:
        mask = mask.rotate(90)
    mask = mask.resize(size, Image.Resampling.BILINEAR)
    return Image.composite(Image.new("RGB", size, end), Image.new("RGB", size, start), mask)


def _text_lines(draw: ImageDraw.ImageDraw, xy: tuple[int, int], lines: Sequence[str],
                size: int, fill: Any, anchor: str = "la") -> int:
    """Draw ``lines`` from ``xy`` downwards; the y below the last line."""
    x, y = xy
    for line in lines:
        draw.text((x, y), line, font=_font(size), fill=fill, anchor=anchor)
        y += round(size * 1.22)
    return y


def _paste_shape(img: Image.Image, logo: str, palette: Palette, centre: tuple[int, int],
                 side: int, shadow: bool = True) -> None:
    x, y = centre[0] - side // 2, centre[1] - side // 2
    if shadow:  # a soft contact shadow so the shape sits on the picture instead of floating
        d = ImageDraw.Draw(img, "RGBA")
        d.ellipse([x + side * 0.18, y + side * 0.9, x + side * 0.82, y + side * 1.02],
                  fill=(0, 0, 0, 28))
    layer = shape_layer(logo, side, palette)
    img.paste(layer, (x, y), layer)


# Where 1, 2 or 3 shapes go on a SKU picture: bigger packs show more of the product.
LAYOUTS = {
    1: (((200, 160), 210),),
    2: (((140, 170), 170), ((262, 150), 170)),
    3: (((110, 178), 140), ((290, 178), 140), ((200, 140), 150)),
}


def sku_picture(name: str, caption: str, logo: str, count: int = 1,
                palette: Palette | None = None) -> Image.Image:
    """A 400x400 product picture: ``count`` shapes over a gradient and a label with the name."""
    p = palette or PALETTES.get(logo, PALETTES["fruit"])
    img = _gradient(SKU_SIZE, p.top, p.bottom)
    for centre, side in LAYOUTS[max(1, min(count, 3))]:
        _paste_shape(img, logo, p, centre, side)
    d = ImageDraw.Draw(img, "RGBA")
    d.rounded_rectangle([22, 276, 378, 384], radius=18, fill=(255, 255, 255, 220))
    lines = _wrap(_drawable(name), 27, 320, 2)
    y = 288 if len(lines) == 2 else 304  # the label's lines centred in the band
    y = _text_lines(d, (200, y), lines, 27, p.ink, anchor="ma")
    d.text((200, y + 2), caption.upper(), font=_font(15), fill=p.accent, anchor="ma")
    return img


def gallery_picture(name: str, logo: str, view: int, palette: Palette | None = None
                    ) -> Image.Image:
    """Another view of a product: a close-up (view 2) or a spread of three (view 3)."""
    p = palette or PALETTES.get(logo, PALETTES["fruit"])
    img = _gradient(SKU_SIZE, p.bottom, p.top)
    if view == 2:
        _paste_shape(img, logo, p, (200, 190), 300)
    else:
        for centre, side in LAYOUTS[3]:
            _paste_shape(img, logo, p, (centre[0], centre[1] + 40), side)
    d = ImageDraw.Draw(img, "RGBA")
    d.text((24, 24), _drawable(name), font=_font(20), fill=p.ink)
    return img


def slide_picture(headline: str, tagline: str, logo: str, palette: Palette | None = None
                  ) -> Image.Image:
    """A 760x270 carousel slide: headline, tagline and a 'Shop now' button beside the shape."""
    p = palette or PALETTES.get(logo, PALETTES["fruit"])
    img = _gradient(SLIDE_SIZE, p.top, p.bottom, across=True)
    d = ImageDraw.Draw(img, "RGBA")
    d.ellipse([480, -10, 770, 280], fill=(255, 255, 255, 120))
    _paste_shape(img, logo, p, (625, 132), 210)
    y = _text_lines(d, (48, 44), _wrap(_drawable(headline), 40, 420, 2), 40, p.ink)
    y = _text_lines(d, (48, y + 6), _wrap(_drawable(tagline), 20, 400, 2), 20, p.ink)
    label_width = round(_font(20).getlength("Shop now"))
    d.rounded_rectangle([48, y + 14, 48 + label_width + 44, y + 56], radius=21, fill=p.accent)
    d.text((70, y + 35), "Shop now", font=_font(20), fill=WHITE, anchor="lm")
    return img


def promotion_picture(name: str, tagline: str, logo: str) -> Image.Image:
    """A 240x130 promotion card: white text on the category colour, the shape at the edge."""
    p = PALETTES.get(logo, PALETTES["fruit"])
    dark = tuple(round(c * 0.72) for c in p.accent)
    img = _gradient(PROMO_SIZE, p.accent, dark, across=True)
    d = ImageDraw.Draw(img, "RGBA")
    d.ellipse([150, 30, 270, 150], fill=(255, 255, 255, 60))
    # The shape in light colours: in the category's own accent it would vanish on this card.
    light = p._replace(accent=(255, 244, 232), ink=dark)
    _paste_shape(img, logo, light, (205, 88), 90, shadow=False)
    y = _text_lines(d, (16, 16), _wrap(_drawable(name), 22, 150, 2), 22, WHITE)
    _text_lines(d, (16, y + 6), _wrap(_drawable(tagline), 13, 140, 2), 13, (255, 255, 255, 230))
    return img


def category_picture(name: str, logo: str, palette: Palette | None = None) -> Image.Image:
    """A 240x300 category banner: the shape on a soft disc, the name and 'Shop all'."""
    p = palette or PALETTES.get(logo, PALETTES["fruit"])
    img = _gradient(CATEGORY_SIZE, p.top, p.bottom)
    d = ImageDraw.Draw(img, "RGBA")
    d.ellipse([30, 20, 210, 200], fill=(255, 255, 255, 130))
    _paste_shape(img, logo, p, (120, 108), 140)
    lines = _wrap(_drawable(name), 26, 210, 2)
    y = _text_lines(d, (120, 216 if len(lines) == 1 else 204), lines, 26, p.ink, anchor="ma")
    d.text((120, y + 6), "Shop all  >", font=_font(16), fill=p.accent, anchor="ma")
    return img


def save(img: Image.Image, relative: str, keep_existing: bool = False) -> str:
    """Write ``img`` as JPEG under MEDIA_ROOT; the path relative to it, as the DB stores it."""
    path = os.path.join(current_app.config["MEDIA_ROOT"], *relative.split("/"))
    if keep_existing and os.path.exists(path):
        return relative
    os.makedirs(os.path.dirname(path), exist_ok=True)
    img.save(path, "JPEG", quality=JPEG_QUALITY)
    return relative
