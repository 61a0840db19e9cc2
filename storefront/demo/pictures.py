"""The demo pictures, composed with Pillow like a shop's product shots: a soft backdrop, the
product large with a contact shadow, no name printed on it (the page says the name).

The product itself is an emoji from ``artwork`` (Twemoji), or the category's drawn shape
when no art is installed. Banners (carousel slides, promotions, category cards) carry their
headline, as a shop's banners do. ``demo/files.py`` writes them with their ladder of sizes
(``services.images``) under MEDIA_ROOT.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, NamedTuple

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from storefront.demo import artwork
from storefront.demo.shapes import PALETTES, WHITE, Color, Palette, shape_layer

SKU_SIZE = (800, 800)
SLIDE_SIZE = (1280, 455)  # shown at 760 x 270
PROMO_SIZE = (480, 260)  # shown at 240 x 130
CATEGORY_SIZE = (480, 600)  # shown at 240 x 300


class Look(NamedTuple):
    """What a picture shows: the emoji (one or more, drawn in turn) and the category whose
    colours and fallback shape it takes."""

    art: str
    logo: str

    @property
    def palette(self) -> Palette:
        return PALETTES.get(self.logo, PALETTES["fruit"])


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
    return lines[:max_lines]


def _mix(a: Color, b: Color, t: float) -> Color:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))  # type: ignore


def _backdrop(size: tuple[int, int], p: Palette, across: bool = False) -> Image.Image:
    return _backdrop_of(size, p, across).copy()


@lru_cache(maxsize=32)
def _backdrop_of(size: tuple[int, int], p: Palette, across: bool) -> Image.Image:
    """A studio backdrop: the category's tint, paler towards a soft light in the middle."""
    mask = Image.linear_gradient("L")
    if across:
        mask = mask.rotate(90)
    mask = mask.resize(size, Image.Resampling.BILINEAR)
    top, bottom = _mix(p.top, WHITE, 0.55), _mix(p.top, p.bottom, 0.35)
    img = Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), mask)
    w, h = size
    glow = Image.new("L", (w // 4, h // 4), 0)
    ImageDraw.Draw(glow).ellipse([w * 0.03, h * 0.02, w * 0.22, h * 0.2], fill=150)
    glow = glow.filter(ImageFilter.GaussianBlur(min(w, h) / 14)).resize(size)
    img.paste(Image.new("RGB", size, WHITE), mask=glow)
    return img


def _item(look: Look, emoji: str, side: int) -> Image.Image:
    art = artwork.layer(emoji, side)
    return art if art is not None else shape_layer(look.logo, side, look.palette)


def _place(img: Image.Image, layer: Image.Image, centre: tuple[int, int],
           shadow: float = 0.22) -> None:
    """``layer`` centred at ``centre``, standing on a soft contact shadow."""
    side = layer.width
    x, y = centre[0] - side // 2, centre[1] - side // 2
    if shadow:
        mask = _shadow(side, shadow)
        img.paste((40, 40, 40), (x, y + side * 3 // 4), mask)
    img.paste(layer, (x, y), layer)


@lru_cache(maxsize=64)
def _shadow(side: int, strength: float) -> Image.Image:
    """A blurred ellipse under the lower edge of a ``side`` square: a contact shadow."""
    mask = Image.new("L", (side, side // 2), 0)
    ImageDraw.Draw(mask).ellipse([side * 0.14, side * 0.11, side * 0.86, side * 0.25],
                                 fill=round(255 * strength))
    return mask.filter(ImageFilter.GaussianBlur(side / 18))


def _emojis(look: Look) -> list[str]:
    """The emoji in ``look.art``, one per grapheme (a ZWJ sequence or flag stays whole)."""
    out: list[str] = []
    for ch in look.art:
        if out and (ch in "\u200d\ufe0f" or out[-1].endswith("\u200d")):
            out[-1] += ch
        else:
            out.append(ch)
    return out or ["?"]


# Where 1, 2 or 3 items go on an 800 px SKU picture (back to front): bigger packs show more.
LAYOUTS = {
    1: (((400, 390), 540),),
    2: (((300, 360), 420), ((510, 430), 420)),
    3: (((260, 330), 360), ((540, 330), 360), ((400, 480), 380)),
}


def sku_picture(look: Look, count: int = 1) -> Image.Image:
    """An 800 x 800 product shot: ``count`` of the product (more for a bigger pack)."""
    img = _backdrop(SKU_SIZE, look.palette)
    emoji = _emojis(look)[0]
    for centre, side in LAYOUTS[max(1, min(count, 3))]:
        _place(img, _item(look, emoji, side), centre)
    return img


def gallery_picture(look: Look, view: int) -> Image.Image:
    """Another view of a product: a close-up (view 2) or a spread of five (view 3)."""
    p = look.palette
    img = _backdrop(SKU_SIZE, p._replace(top=_mix(p.top, p.bottom, 0.3)))
    emoji = _emojis(look)[0]
    if view == 2:
        close = _item(look, emoji, 720).rotate(-12, Image.Resampling.BICUBIC)
        _place(img, close, (420, 420), shadow=0.18)
    else:
        for centre, side in (((220, 250), 260), ((580, 240), 260), ((400, 420), 280),
                             ((210, 590), 250), ((590, 600), 250)):
            _place(img, _item(look, emoji, side), centre, shadow=0.16)
    return img


def _text_lines(draw: ImageDraw.ImageDraw, xy: tuple[int, int], lines: Sequence[str],
                size: int, fill: Any) -> int:
    """Draw ``lines`` from ``xy`` downwards; the y below the last line."""
    x, y = xy
    for line in lines:
        draw.text((x, y), line, font=_font(size), fill=fill)
        y += round(size * 1.2)
    return y


def slide_picture(headline: str, tagline: str, look: Look) -> Image.Image:
    """A carousel slide: headline, tagline and 'Shop now' at the left, the product at the
    right on a pale disc."""
    p = look.palette
    img = _backdrop(SLIDE_SIZE, p, across=True)
    d = ImageDraw.Draw(img, "RGBA")
    d.ellipse([760, -60, 1290, 470], fill=(255, 255, 255, 130))
    items = _emojis(look)
    spots = (((930, 215), 300), ((1120, 250), 280), ((1020, 330), 260))
    for n, (centre, side) in enumerate(spots[:max(len(items), 2)]):
        _place(img, _item(look, items[n % len(items)], side), centre, shadow=0.18)
    y = _text_lines(d, (80, 70), _wrap(_drawable(headline), 64, 640, 2), 64, p.ink)
    y = _text_lines(d, (80, y + 14), _wrap(_drawable(tagline), 30, 600, 2), 30, p.ink)
    label = "Shop now"
    width = round(_font(30).getlength(label))
    d.rounded_rectangle([80, y + 26, 80 + width + 72, y + 92], radius=33, fill=p.accent)
    d.text((116, y + 59), label, font=_font(30), fill=WHITE, anchor="lm")
    return img


def promotion_picture(name: str, tagline: str, look: Look) -> Image.Image:
    """A promotion card: white text on the category colour, the products at the right."""
    p = look.palette
    dark = _mix(p.accent, (0, 0, 0), 0.28)
    mask = Image.linear_gradient("L").rotate(90).resize(PROMO_SIZE)
    img = Image.composite(Image.new("RGB", PROMO_SIZE, dark), Image.new("RGB", PROMO_SIZE,
                                                                       p.accent), mask)
    d = ImageDraw.Draw(img, "RGBA")
    d.ellipse([290, 40, 540, 290], fill=(255, 255, 255, 60))
    items = _emojis(look)
    for n, (centre, side) in enumerate((((360, 140), 150), ((435, 165), 130))[:len(items)]):
        _place(img, _item(look, items[n], side), centre, shadow=0)
    y = _text_lines(d, (30, 32), _wrap(_drawable(name), 42, 300, 2), 42, WHITE)
    _text_lines(d, (30, y + 12), _wrap(_drawable(tagline), 24, 260, 2), 24,
                (255, 255, 255, 235))
    return img


def category_picture(name: str, look: Look) -> Image.Image:
    """A category card: a few of its products on a pale disc, the name and 'Shop all'."""
    p = look.palette
    img = _backdrop(CATEGORY_SIZE, p)
    d = ImageDraw.Draw(img, "RGBA")
    d.ellipse([50, 40, 430, 420], fill=(255, 255, 255, 150))
    items = _emojis(look)
    spots = (((170, 190), 190), ((310, 190), 190), ((240, 300), 210))
    for n, (centre, side) in enumerate(spots[:len(items)] if len(items) > 1 else
                                       [((240, 230), 280)]):
        _place(img, _item(look, items[n], side), centre, shadow=0.16)
    lines = _wrap(_drawable(name), 46, 420, 2)
    y = 440 if len(lines) == 1 else 420
    for line in lines:
        d.text((240, y), line, font=_font(46), fill=p.ink, anchor="ma")
        y += 54
    d.text((240, y + 12), "Shop all  >", font=_font(28), fill=p.accent, anchor="ma")
    return img
