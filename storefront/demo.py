"""Demo data for ``flask seed-demo``: a hand-written grocery catalogue, or a big synthetic one.

Without sizes the seeder writes six real-looking categories with products, SKUs, gallery
pictures, homepage placements, carousel slides, promotions and a few customers whose
reviews show on the detail pages. Every picture is drawn with Pillow into ``MEDIA_ROOT`` and
stored as a path relative to it.

With ``--categories N --skus-per-category M`` it generates a catalogue big enough to measure
the pages against: rows go in with bulk inserts and all SKUs share a handful of pictures, so
200 x 50 takes seconds, not minutes.

Both modes are idempotent: what already exists (matched by category name) is left alone.
"""

from __future__ import annotations

import math
import os
import secrets
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any, NamedTuple

import click
from flask import current_app
from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import func, insert, select

from storefront.extensions import db
from storefront.models import (
    Goods,
    GoodsCategory,
    GoodsImage,
    GoodsSKU,
    IndexCategoryGoodsBanner,
    IndexGoodsBanner,
    IndexPromotionBanner,
    OrderGoods,
    OrderInfo,
    User,
    utcnow,
)
from storefront.security import hash_password

NOTHING_CHANGED = "already seeded, nothing changed"
TILES_PER_KIND = 4  # title links and image tiles per category row, as the homepage shows
JPEG_QUALITY = 85

SKU_SIZE = (400, 400)
SLIDE_SIZE = (760, 270)
PROMO_SIZE = (240, 130)
CATEGORY_SIZE = (240, 300)


# --------------------------------------------------------------------------------------------
# The hand-written catalogue
# --------------------------------------------------------------------------------------------


class SkuSpec(NamedTuple):
    name: str
    title: str
    price: str  # a string, so it becomes an exact Decimal
    unit: str
    stock: int
    sales: int
    on_sale: bool = True


class GoodsSpec(NamedTuple):
    name: str
    detail: str
    skus: tuple[SkuSpec, ...]


class CategorySpec(NamedTuple):
    name: str
    logo: str  # the CSS class of the nav icon; also picks the picture's colours and shape
    goods: tuple[GoodsSpec, ...]


def _text(*paragraphs: str) -> str:
    return "\n\n".join(paragraphs)


FRUIT = CategorySpec("Fresh fruit", "fruit", (
    GoodsSpec("Fuji apples", _text(
        "Fuji apples from high orchards in Shaanxi, where cold nights and sunny days build "
        "up the sugar. The flesh is dense, crisp and very juicy, with a honeyed sweetness "
        "and hardly any sourness.",
        "Picked ripe, washed and graded by hand. Each apple weighs about 200-250 g.",
        "Storage: keep in the fridge crisper drawer for up to three weeks. Take them out an "
        "hour before eating for the fullest flavour.",
    ), (
        SkuSpec("Fuji apples 500g", "Crisp and juicy, picked this week", "9.90", "500g", 120,
                342),
        SkuSpec("Fuji apples 1kg", "About five apples, sweet and crunchy", "17.50", "1kg", 85,
                198),
        SkuSpec("Fuji apples 2.5kg box", "Family box of about 12 apples", "39.00", "box", 30, 57),
    )),
    GoodsSpec("赣南脐橙 Navel oranges", _text(
        "Gannan navel oranges from southern Jiangxi, the region famous for its red soil and "
        "long, warm autumns. Thin peel that comes away easily, seedless segments and a "
        "bright, balanced sweetness.",
        "Every orange is checked by hand and wrapped against bruising. Expect 8-10 oranges "
        "per kilo.",
        "Storage: a cool, airy spot for a week, or the fridge for two.",
    ), (
        SkuSpec("赣南脐橙 Navel oranges 1kg", "Seedless, easy to peel, full of juice", "12.80",
                "1kg", 150, 410),
        SkuSpec("赣南脐橙 Navel oranges 5kg gift box", "Hand-wrapped oranges in a gift box",
                "55.00", "box", 25, 64),
    )),
    GoodsSpec("Sweetheart strawberries 🍓", _text(
        "Sweetheart strawberries grown in greenhouses outside Dandong and picked at first "
        "light, when the berries are coolest and firmest. Deep red right through, fragrant "
        "and sweet.",
        "Packed into punnets in the field, so nobody handles them twice.",
        "Storage: eat within two days. Keep them unwashed in the fridge and rinse just "
        "before serving.",
    ), (
        SkuSpec("Sweetheart strawberries 🍓 250g punnet", "Picked at dawn, on your table today",
                "16.50", "250g", 60, 276),
        SkuSpec("Sweetheart strawberries 🍓 500g", "Two punnets of fragrant berries", "29.90",
                "500g", 40, 133),
        SkuSpec("Sweetheart strawberries 🍓 1kg tray", "A full tray for jam or a party",
                "52.00", "tray", 12, 21),
    )),
    GoodsSpec("Hass avocados", _text(
        "Hass avocados with the classic pebbly skin that turns almost black when ripe. "
        "Creamy, nutty flesh for toast, salads and guacamole.",
        "The 'ripe & ready' packs are ripened in our own rooms and are ready to eat today; "
        "the 2-pack ripens in two to four days in a fruit bowl.",
    ), (
        SkuSpec("Hass avocados 2-pack", "Ripen at home in two to four days", "13.90", "2 pcs",
                90, 187),
        SkuSpec("Hass avocados 6 ripe & ready", "Ready to eat today", "36.00", "6 pcs", 35, 74),
    )),
))

SEAFOOD = CategorySpec("Seafood", "seafood", (
    GoodsSpec("Atlantic salmon fillet", _text(
        "Skin-on Atlantic salmon fillets, cut from the thick centre of the side and "
        "pin-boned by hand. Rich, buttery and bright orange.",
        "Delivered chilled on ice, never frozen.",
        "Cooking tip: start skin-side down in a hot pan for four minutes, turn, and rest for "
        "two. The skin turns crisp and the centre stays just pink.",
    ), (
        SkuSpec("Atlantic salmon fillet 250g", "Centre cut, skin on, pin-boned", "32.00",
                "250g", 45, 221),
        SkuSpec("Atlantic salmon fillet 500g", "Two generous centre-cut portions", "59.00",
                "500g", 30, 140),
    )),
    GoodsSpec("Wild tiger prawns", _text(
        "Large wild tiger prawns, 16-20 to the kilo, with firm, sweet meat and the striped "
        "shell they are named for.",
        "Sold raw and whole. Twist off the heads for a rich stock, then peel and devein the "
        "tails.",
        "Storage: keep chilled and cook within a day of delivery.",
    ), (
        SkuSpec("Wild tiger prawns 300g", "Raw, whole, 16-20 per kilo", "45.00", "300g", 40,
                96),
        SkuSpec("Wild tiger prawns 1kg", "Enough for a seafood barbecue", "138.00", "1kg", 15,
                33),
    )),
    GoodsSpec("Live blue mussels", _text(
        "Rope-grown blue mussels from clean northern waters: plump, orange meat and thin, "
        "glossy shells. Cleaned and debearded.",
        "Steam them with white wine, garlic and parsley; they are done as soon as the "
        "shells open. Discard any that stay closed.",
    ), (
        SkuSpec("Live blue mussels 1kg", "Cleaned and debearded, ready to steam", "18.80",
                "1kg", 70, 254),
        SkuSpec("Live blue mussels 2kg", "A big pot for four", "34.00", "2kg", 35, 88),
    )),
    GoodsSpec("King crab legs", _text(
        "Cooked and frozen at sea within hours of the catch, king crab legs are the most "
        "generous shellfish there is: long, sweet, snow-white meat.",
        "Thaw overnight in the fridge and serve cold with lemon, or warm through for five "
        "minutes in a steamer.",
        "Seasonal: the large 1 kg packs come back when the next season opens.",
    ), (
        SkuSpec("King crab legs 500g", "Cooked at sea, sweet snow-white meat", "158.00", "500g",
                8, 19),
        # Out of season: the one off-sale SKU, so the on-sale filter has something to hide.
        SkuSpec("King crab legs 1kg", "Back next season", "298.00", "1kg", 5, 41, False),
    )),
))

MEAT = CategorySpec("Meat & poultry", "meat", (
    GoodsSpec("Free-range whole chicken", _text(
        "Slow-grown chickens raised outdoors on small farms and fed on grain. The meat is "
        "firmer and fuller in flavour than a standard bird, and the skin roasts to a deep "
        "golden brown.",
        "Roasting guide: 20 minutes per 500 g at 190 °C, plus 20 minutes. Rest for 15 "
        "minutes before carving.",
    ), (
        SkuSpec("Free-range whole chicken 1.2kg", "Slow-grown, feeds three to four", "38.00",
                "1.2kg", 50, 167),
        SkuSpec("Free-range whole chicken 1.6kg", "A big bird for Sunday lunch", "48.00",
                "1.6kg", 30, 92),
    )),
    GoodsSpec("Grass-fed beef ribeye", _text(
        "Ribeye steaks from grass-fed cattle, dry-aged on the bone for 28 days for a deeper "
        "flavour and a more tender bite. Generous marbling runs through every steak.",
        "Each steak is cut 2.5 cm thick. Bring it to room temperature, season well and sear "
        "hard; three minutes a side gives medium-rare.",
    ), (
        SkuSpec("Grass-fed beef ribeye 250g", "Dry-aged 28 days, 2.5 cm thick", "68.00",
                "250g", 40, 128),
        SkuSpec("Grass-fed beef ribeye 2 x 250g", "Steak night for two", "128.00", "500g", 25,
                71),
    )),
    GoodsSpec("Pork belly slices", _text(
        "Rindless pork belly cut into 1 cm slices, with even layers of meat and fat that "
        "render crisp on the grill.",
        "Perfect for Korean barbecue, braising in soy and star anise, or slow roasting with "
        "fennel seeds.",
    ), (
        SkuSpec("Pork belly slices 500g", "Even layers, 1 cm thick", "26.80", "500g", 80, 305),
        SkuSpec("Pork belly slices 1kg", "Barbecue pack", "49.90", "1kg", 45, 112),
    )),
    GoodsSpec("Lamb leg, bone-in", _text(
        "Bone-in legs of spring lamb from upland pastures. The bone keeps the meat juicy and "
        "adds flavour as it roasts.",
        "Stud with garlic and rosemary and roast at 200 °C for 20 minutes per 500 g for "
        "pink lamb.",
        "The half leg is cut from the fillet end and serves two to three.",
    ), (
        SkuSpec("Lamb leg, bone-in 1.5kg", "Spring lamb for a family roast", "118.00", "1.5kg",
                20, 44),
        SkuSpec("Lamb leg, half 800g", "Fillet end, serves two to three", "66.00", "800g", 25,
                59),
    )),
))

DAIRY = CategorySpec("Eggs & dairy", "eggs", (
    GoodsSpec("Free-range eggs", _text(
        "Large free-range eggs from hens that roam outside every day. Strong shells, "
        "rich orange yolks that stand tall in the pan.",
        "Laid no more than three days before delivery and stamped with the farm and the "
        "date.",
        "Storage: pointed end down in the fridge, away from strong smells.",
    ), (
        SkuSpec("Free-range eggs 6 pack", "Large eggs, rich orange yolks", "12.00", "6 pcs",
                150, 512),
        SkuSpec("Free-range eggs 12 pack", "A dozen for the week", "22.00", "12 pcs", 120, 388),
        SkuSpec("Free-range eggs 30 tray", "Baker's tray", "49.00", "30 pcs", 30, 77),
    )),
    GoodsSpec("Whole milk", _text(
        "Whole milk from one dairy's own herd, gently pasteurised and not homogenised, so "
        "the cream rises to the top. Shake before pouring.",
        "3.8% fat, no additives. Keep below 4 °C and drink within four days of opening.",
    ), (
        SkuSpec("Whole milk 1L", "Single herd, cream on top", "8.50", "1L", 200, 640),
        SkuSpec("Whole milk 2L", "The family bottle", "15.80", "2L", 110, 295),
    )),
    GoodsSpec("Greek yoghurt", _text(
        "Thick, strained Greek-style yoghurt with 10% fat: tangy, creamy and rich enough to "
        "stand a spoon in.",
        "Serve with honey and walnuts, stir into curries, or use it instead of cream.",
    ), (
        SkuSpec("Greek yoghurt 500g", "Strained, thick and tangy", "14.90", "500g", 90, 231),
        SkuSpec("Greek yoghurt 1kg", "Big tub for breakfasts", "26.00", "1kg", 50, 102),
    )),
    GoodsSpec("Crème fraîche", _text(
        "Cultured cream with a gentle, nutty sourness. It does not split when boiled, so it "
        "finishes sauces and soups beautifully.",
        "Made with cream from grass-fed cows and nothing else but the culture.",
    ), (
        SkuSpec("Crème fraîche 200ml", "Cultured cream, 30% fat", "11.50", "200ml", 70, 143),
        SkuSpec("Crème fraîche 500ml", "For the cook who uses it daily", "24.00", "500ml", 30,
                48),
    )),
))

VEG = CategorySpec("Vegetables", "veg", (
    GoodsSpec("Broccoli", _text(
        "Tight, dark-green heads of broccoli with tender stalks, cut in the morning and "
        "cooled straight away so they stay crisp.",
        "Don't throw away the stalk: peel it, slice it thinly and stir-fry it with the "
        "florets.",
    ), (
        SkuSpec("Broccoli 1 head", "About 400 g, cut this morning", "6.90", "pc", 140, 298),
        SkuSpec("Broccoli 2 heads", "Two heads for the week", "12.50", "2 pcs", 90, 121),
    )),
    GoodsSpec("Cherry tomatoes", _text(
        "Vine-ripened cherry tomatoes with thin skins and a sweet, almost fruity flavour. "
        "They are left on the plant until fully red.",
        "Keep them out of the fridge: cold dulls the flavour. Eat within five days.",
    ), (
        SkuSpec("Cherry tomatoes 250g", "Vine-ripened and sweet", "7.80", "250g", 160, 420),
        SkuSpec("Cherry tomatoes 500g", "For salads and roasting", "13.90", "500g", 95, 201),
        SkuSpec("Cherry tomatoes 1kg", "A big bowl for sauce", "25.00", "1kg", 40, 66),
    )),
    GoodsSpec("Baby spinach", _text(
        "Tender baby spinach leaves, washed three times and ready to eat. Mild and sweet "
        "raw, and wilts in seconds in a hot pan.",
        "Keep chilled and use within three days of delivery.",
    ), (
        SkuSpec("Baby spinach 150g bag", "Washed and ready to eat", "6.50", "150g", 110, 233),
        SkuSpec("Baby spinach 300g bag", "For smoothies and salads", "11.90", "300g", 60, 97),
    )),
    GoodsSpec("Organic carrots", _text(
        "Certified organic carrots grown in sandy soil, which keeps them straight and sweet. "
        "Sold unwashed, with a little earth, because they keep longer that way.",
        "Roast them whole with cumin and honey, or grate them raw into salads.",
    ), (
        SkuSpec("Organic carrots 1kg", "Sweet, crunchy, organic", "5.90", "1kg", 180, 356),
        SkuSpec("Organic carrots 2kg", "For juicing and soups", "10.80", "2kg", 75, 88),
    )),
))

FROZEN = CategorySpec("Frozen food", "ice", (
    GoodsSpec("Pork & chive dumplings 饺子", _text(
        "Hand-folded dumplings filled with pork and garlic chives, frozen within an hour of "
        "folding. Thin wrappers that stay silky after boiling.",
        "Cook from frozen: drop into boiling water, and when they float add a cup of cold "
        "water; repeat twice. Or pan-fry them as potstickers.",
        "About 40 dumplings per 1 kg bag.",
    ), (
        SkuSpec("Pork & chive dumplings 饺子 500g", "Hand-folded, thin wrappers", "24.90",
                "500g", 100, 287),
        SkuSpec("Pork & chive dumplings 饺子 1kg", "About 40 dumplings", "45.00", "1kg", 60,
                145),
    )),
    GoodsSpec("Vanilla ice cream", _text(
        "Proper custard-based ice cream made with free-range egg yolks, cream and real "
        "Madagascan vanilla pods; you can see the seeds.",
        "Let it stand for five minutes out of the freezer before scooping.",
    ), (
        SkuSpec("Vanilla ice cream 500ml", "Real vanilla pods, custard base", "22.00", "500ml",
                70, 190),
        SkuSpec("Vanilla ice cream 1L tub", "For the whole family", "38.00", "1L", 40, 84),
    )),
    GoodsSpec("Garden peas", _text(
        "Sweet garden peas frozen within two and a half hours of picking, which keeps them "
        "sweeter than most fresh peas in the shops.",
        "Boil for three minutes, or add straight from frozen to risottos and pies.",
    ), (
        SkuSpec("Garden peas 500g", "Frozen within hours of picking", "8.90", "500g", 130,
                176),
        SkuSpec("Garden peas 1kg", "Freezer staple", "15.90", "1kg", 80, 99),
    )),
    GoodsSpec("Stone-baked margherita pizza", _text(
        "Sourdough bases stretched by hand and part-baked on stone, topped with San Marzano "
        "tomatoes, fior di latte and basil.",
        "Bake from frozen at 220 °C for 10-12 minutes, straight on the oven rack for a crisp "
        "base.",
    ), (
        SkuSpec("Margherita pizza, single", "Sourdough base, stone-baked", "29.00", "pc", 55,
                160),
        SkuSpec("Margherita pizza, twin pack", "Two pizzas for movie night", "52.00", "2 pcs",
                35, 71),
    )),
))

CATALOGUE: tuple[CategorySpec, ...] = (FRUIT, SEAFOOD, MEAT, DAIRY, VEG, FROZEN)

# Carousel slides: (SKU name, headline, tagline).
SLIDES = (
    ("Sweetheart strawberries 🍓 250g punnet", "Strawberry season is here",
     "Sweet berries picked at dawn and delivered the same day"),
    ("Atlantic salmon fillet 250g", "Fresh from the fjords",
     "Centre-cut salmon, chilled on ice and never frozen"),
    ("Grass-fed beef ribeye 250g", "Steak night, sorted",
     "Dry-aged for 28 days for a deeper flavour"),
    ("Free-range eggs 12 pack", "Breakfast done right",
     "Free-range eggs laid no more than three days ago"),
    ("Pork & chive dumplings 饺子 500g", "Dumplings in ten minutes",
     "Hand-folded and frozen within the hour"),
)

# Promotions: (name, category index, tagline); each links to its category's list page.
PROMOTIONS = (
    ("Fruit festival", 0, "Up to 30% off apples & oranges"),
    ("Seafood Friday", 1, "Fresh catch for the weekend"),
    ("Weekend barbecue", 2, "Steaks, belly and chicken"),
    ("Freezer favourites", 5, "Three for the price of two"),
)

# Review comments, by category logo; spread over the first on-sale SKU of each product.
REVIEWS = {
    "fruit": (
        "Really sweet and crunchy, the kids finished the bag in two days.",
        "Arrived well packed, not a single bruise. Will order again.",
        "Much better than the supermarket ones. Juicy and fragrant.",
        "Good value for the size. A couple were a little small but tasted great.",
    ),
    "seafood": (
        "Very fresh, no fishy smell at all. Came on plenty of ice.",
        "Cooked it the same evening following the tip on the page. Perfect.",
        "Firm and sweet. Delivery was right on time.",
        "Pricey but worth it for a special dinner.",
    ),
    "meat": (
        "Great flavour and nicely trimmed. Best I've bought online.",
        "Tender and juicy, the whole family loved it.",
        "Well packaged and cold on arrival. Will buy again for the barbecue.",
        "Good quality, though a bit more fat than I expected.",
    ),
    "eggs": (
        "Fresh and creamy, exactly as described.",
        "Everything arrived intact and well within date.",
        "Lovely rich taste, we switched to this for good.",
        "Good quality, delivery driver was very careful with it.",
    ),
    "veg": (
        "Crisp and fresh, lasted the whole week in the fridge.",
        "Tastes like vegetables from my grandmother's garden.",
        "Well washed and good portions. Nice and clean.",
        "Fresh, but one pack was slightly smaller than the others.",
    ),
    "ice": (
        "Still frozen solid when it arrived. Tastes homemade.",
        "Quick dinner that actually tastes good. Stocked up.",
        "The kids ask for this every week now.",
        "Good quality for a frozen product, will reorder.",
    ),
}

# Demo customers, who wrote the reviews. Their passwords are random: nobody signs in as them.
DEMO_USERS = (
    ("lily_w", "lily@example.com"),
    ("tom.chen", "tom.chen@example.com"),
    ("grace_h", "grace@example.com"),
)
LINES_PER_ORDER = 4


# --------------------------------------------------------------------------------------------
# Pictures
# --------------------------------------------------------------------------------------------

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
# Two extra colourways, so the shared pictures of a synthetic catalogue are eight, not six.
EXTRA_TILES = (
    ("fruit", Palette((246, 234, 252), (214, 180, 236), (136, 60, 170), (60, 20, 80))),
    ("veg", Palette((228, 248, 242), (156, 220, 204), (26, 140, 120), (10, 66, 56))),
)
WHITE = (255, 255, 255)


@lru_cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    # Pillow's bundled scalable font: no system font needed, same look everywhere.
    return ImageFont.load_default(size=size)


def _drawable(text: str) -> str:
    """``text`` without what the bundled font cannot draw: it has ASCII only, so accents are
    stripped ("Creme") and CJK and emoji dropped."""
    kept = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(kept.split())


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = "".join(ch if ch.isalnum() else " " for ch in ascii_text.lower()).split()
    return "-".join(words) or "item"


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

# Products that look unlike their category's default picture: (shape, colour of the shape).
LOOKS: dict[str, tuple[str, Color | None]] = {
    "Fuji apples": ("fruit", (206, 42, 52)),
    "Sweetheart strawberries 🍓": ("fruit", (226, 34, 70)),
    "Hass avocados": ("fruit", (88, 120, 48)),
    "Wild tiger prawns": ("seafood", (236, 122, 84)),
    "Live blue mussels": ("seafood", (52, 62, 96)),
    "King crab legs": ("seafood", (214, 72, 52)),
    "Free-range whole chicken": ("meat", (214, 150, 72)),
    "Pork belly slices": ("meat", (228, 128, 132)),
    "Whole milk": ("bottle", (60, 130, 200)),
    "Greek yoghurt": ("bottle", None),
    "Crème fraîche": ("bottle", (170, 120, 60)),
    "Cherry tomatoes": ("fruit", (222, 52, 40)),
    "Baby spinach": ("veg", (34, 110, 56)),
    "Organic carrots": ("carrot", (240, 128, 30)),
}


def _look(logo: str, goods_name: str) -> tuple[str, Palette]:
    """The shape and palette of a product's pictures."""
    palette = PALETTES.get(logo, PALETTES["fruit"])
    shape, tint = LOOKS.get(goods_name, (logo, None))
    return shape, palette._replace(accent=tint) if tint else palette


@lru_cache(maxsize=64)
def _shape(logo: str, side: int, palette: Palette) -> Image.Image:
    layer = Image.new("RGBA", (side * 2, side * 2), (0, 0, 0, 0))
    SHAPES.get(logo, _fruit)(ImageDraw.Draw(layer, "RGBA"), side * 2, palette)
    return layer.resize((side, side), Image.Resampling.LANCZOS)


def _paste_shape(img: Image.Image, logo: str, palette: Palette, centre: tuple[int, int],
                 side: int, shadow: bool = True) -> None:
    x, y = centre[0] - side // 2, centre[1] - side // 2
    if shadow:  # a soft contact shadow so the shape sits on the picture instead of floating
        d = ImageDraw.Draw(img, "RGBA")
        d.ellipse([x + side * 0.18, y + side * 0.9, x + side * 0.82, y + side * 1.02],
                  fill=(0, 0, 0, 28))
    layer = _shape(logo, side, palette)
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


def _save(img: Image.Image, relative: str, keep_existing: bool = False) -> str:
    """Write ``img`` as JPEG under MEDIA_ROOT; the path relative to it, as the DB stores it."""
    path = os.path.join(current_app.config["MEDIA_ROOT"], *relative.split("/"))
    if keep_existing and os.path.exists(path):
        return relative
    os.makedirs(os.path.dirname(path), exist_ok=True)
    img.save(path, "JPEG", quality=JPEG_QUALITY)
    return relative


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------


def seed(n_categories: int | None, skus_per_category: int | None) -> str:
    """Seed the demo catalogue and commit; a one-line summary of what was added.

    Both sizes None: the hand-written catalogue. Both given: a synthetic one of that size.
    """
    if (n_categories is None) != (skus_per_category is None):
        raise click.UsageError(
            "Give both --categories and --skus-per-category, or neither for the demo catalogue."
        )
    if n_categories is None or skus_per_category is None:
        return seed_catalogue()
    return seed_synthetic(n_categories, skus_per_category)


def _summary(categories: int, skus: int, slides: int, promotions: int) -> str:
    return f"{categories} categories, {skus} SKUs, {slides} slides, {promotions} promotions"


# --------------------------------------------------------------------------------------------
# The hand-written catalogue into the database
# --------------------------------------------------------------------------------------------


@dataclass
class _Seeded:
    """What one run of the hand-written seed has made so far."""

    categories: list[GoodsCategory] = field(default_factory=list)
    # per category, per product, its SKUs in the order of the catalogue
    skus: list[list[list[GoodsSKU]]] = field(default_factory=list)
    slugs: set[str] = field(default_factory=set)

    def unique_slug(self, text: str) -> str:
        base = slug = _slug(text)
        n = 2
        while slug in self.slugs:
            slug, n = f"{base}-{n}", n + 1
        self.slugs.add(slug)
        return slug

    def sku_named(self, name: str) -> GoodsSKU | None:
        return next((s for c in self.skus for g in c for s in g if s.name == name), None)


def seed_catalogue() -> str:
    """The hand-written catalogue, unless its first category is already there."""
    exists = db.session.scalar(
        select(GoodsCategory.id).where(GoodsCategory.name == CATALOGUE[0].name).limit(1)
    )
    if exists is not None:
        return NOTHING_CHANGED
    seeded = _Seeded()
    for spec in CATALOGUE:
        _add_category(seeded, spec)
    db.session.flush()  # the ids the placements, promotion links and orders point at
    for category, goods in zip(seeded.categories, seeded.skus, strict=True):
        _add_placements(category.id, [s.id for s in _round_robin(goods)])
    slides = _add_slides(seeded)
    promotions = _add_promotions(seeded)
    _add_reviews(seeded)
    db.session.commit()
    n_skus = sum(len(g) for c in seeded.skus for g in c)
    return _summary(len(seeded.categories), n_skus, slides, promotions)


def _add_category(seeded: _Seeded, spec: CategorySpec) -> None:
    slug = seeded.unique_slug(spec.name)
    image = _save(category_picture(spec.name, spec.logo), f"categories/{slug}.jpg")
    category = GoodsCategory(name=spec.name, logo=spec.logo, image=image)
    db.session.add(category)
    seeded.categories.append(category)
    seeded.skus.append([_add_goods(seeded, category, g, first=n == 0)
                        for n, g in enumerate(spec.goods)])


def _add_goods(seeded: _Seeded, category: GoodsCategory, spec: GoodsSpec, first: bool
               ) -> list[GoodsSKU]:
    """A product and its SKUs; its first SKU gets a gallery (of three for a category's first)."""
    goods = Goods(name=spec.name, detail=spec.detail)
    shape, palette = _look(category.logo, spec.name)
    skus = []
    for n, sku_spec in enumerate(spec.skus):
        slug = seeded.unique_slug(sku_spec.name)
        picture = sku_picture(sku_spec.name, category.name, shape, n + 1, palette)
        sku = GoodsSKU(
            category=category, goods=goods, name=sku_spec.name, title=sku_spec.title,
            price=Decimal(sku_spec.price), unit=sku_spec.unit, stock=sku_spec.stock,
            sales=sku_spec.sales, is_on_sale=sku_spec.on_sale,
            default_image=_save(picture, f"goods/{slug}.jpg"),
        )
        if n == 0:
            sku.images = [GoodsImage(image=sku.default_image)] + [
                GoodsImage(image=_save(gallery_picture(spec.name, shape, view, palette),
                                       f"goods/{slug}-{view}.jpg"))
                for view in ((2, 3) if first else (2,))
            ]
        skus.append(sku)
    db.session.add(goods)
    return skus


def _round_robin(goods: list[list[GoodsSKU]]) -> list[GoodsSKU]:
    """On-sale SKUs, one per product in turn: the homepage row shows variety first."""
    order = []
    for depth in range(max(len(g) for g in goods)):
        order += [g[depth] for g in goods if depth < len(g) and g[depth].is_on_sale]
    return order


def _add_placements(category_id: int, sku_ids: Sequence[int]) -> None:
    """Image tiles for the first SKUs, title links for the next ones (or the same, if few)."""
    images = list(sku_ids[:TILES_PER_KIND])
    titles = list(sku_ids[TILES_PER_KIND:2 * TILES_PER_KIND]) or images
    rows = [
        {"category_id": category_id, "sku_id": sku_id, "display_type": kind, "index": index}
        for kind, ids in ((IndexCategoryGoodsBanner.IMAGE, images),
                          (IndexCategoryGoodsBanner.TITLE, titles))
        for index, sku_id in enumerate(ids)
    ]
    if rows:
        db.session.execute(insert(IndexCategoryGoodsBanner), rows)


def _table_is_empty(model: type[db.Model]) -> bool:
    # Homepage-wide banners are added only where there are none, so mixing the hand-written
    # and synthetic seeds never doubles the carousel.
    return not db.session.scalar(select(func.count()).select_from(model))


def _add_slides(seeded: _Seeded) -> int:
    if not _table_is_empty(IndexGoodsBanner):
        return 0
    added = 0
    for index, (sku_name, headline, tagline) in enumerate(SLIDES):
        sku = seeded.sku_named(sku_name)
        if sku is None:
            continue
        picture = slide_picture(headline, tagline, *_look(sku.category.logo, sku.goods.name))
        image = _save(picture, f"banners/{seeded.unique_slug(headline)}.jpg")
        db.session.add(IndexGoodsBanner(sku=sku, image=image, index=index))
        added += 1
    return added


def _add_promotions(seeded: _Seeded) -> int:
    if not _table_is_empty(IndexPromotionBanner):
        return 0
    for index, (name, category_index, tagline) in enumerate(PROMOTIONS):
        category = seeded.categories[category_index]
        picture = promotion_picture(name, tagline, category.logo)
        image = _save(picture, f"promotions/{seeded.unique_slug(name)}.jpg")
        db.session.add(IndexPromotionBanner(name=name, url=f"/list/{category.id}", image=image,
                                            index=index))
    return len(PROMOTIONS)


def _demo_users() -> list[User]:
    """The demo customers, made once: an account a shopper registered under that name is kept.

    Random passwords: the accounts exist to have written reviews, not to sign in with.
    """
    users = []
    for username, email in DEMO_USERS:
        user = db.session.scalar(select(User).where((User.username == username)
                                                    | (User.email == email)))
        if user is None:
            user = User(username=username, email=email, is_staff=False, is_active=True,
                        password_hash=hash_password(secrets.token_urlsafe(24)))
            db.session.add(user)
        users.append(user)
    db.session.flush()  # user ids go into the order numbers
    return users


def _add_reviews(seeded: _Seeded) -> None:
    """Completed orders whose lines carry reviews: 1-3 reviewers per product's first SKU."""
    users = _demo_users()
    lines: list[list[tuple[GoodsSKU, str]]] = [[] for _ in users]
    for ci, (category, goods) in enumerate(zip(seeded.categories, seeded.skus, strict=True)):
        comments = REVIEWS[category.logo]
        for gi, skus in enumerate(goods):
            sku = next((s for s in skus if s.is_on_sale), None)
            if sku is None:
                continue
            for k in range(1 + (ci + gi) % len(users)):
                lines[(gi + k) % len(users)].append((sku, comments[(gi + k) % len(comments)]))
    now = utcnow()
    for u, user in enumerate(users):
        for seq, n in enumerate(range(0, len(lines[u]), LINES_PER_ORDER)):
            placed = now - timedelta(days=max(40 - 9 * seq - u, 3), hours=u)
            _add_order(user, lines[u][n:n + LINES_PER_ORDER], placed, seq)


def _add_order(user: User, lines: list[tuple[GoodsSKU, str]], placed: datetime, seq: int
               ) -> None:
    # Order numbers as the shop makes them: time placed, user id, then a sequence number.
    # The time comes from now, so a re-seed (after the categories were deleted) makes new ones.
    order_no = f"{placed:%Y%m%d%H%M%S}{user.id:06d}{seq:02d}"
    order = OrderInfo(order_no=order_no, user=user, status=OrderInfo.COMPLETED,
                      created_at=placed, updated_at=placed)
    for i, (sku, comment) in enumerate(lines):
        reviewed = placed + timedelta(days=2, hours=i)  # reviews come after delivery
        order.lines.append(OrderGoods(sku=sku, count=1 + i % 2, price=sku.price,
                                      comment=comment, created_at=reviewed,
                                      updated_at=reviewed))
    db.session.add(order)


# --------------------------------------------------------------------------------------------
# The synthetic catalogue
# --------------------------------------------------------------------------------------------

ADJECTIVES = ("Organic", "Classic", "Premium", "Farmhouse", "Everyday", "Seasonal",
              "Hand-picked", "Family")
UNITS = (("250g", Decimal("1")), ("500g", Decimal("1.9")), ("1kg", Decimal("3.6")))
SKUS_PER_GOODS = len(UNITS)
LOGOS = tuple(PALETTES)
SYNTHETIC_SLIDES = (
    ("Weekly picks", "Fresh favourites at this week's best prices"),
    ("New in store", "Just landed: seasonal produce and pantry treats"),
    ("Stock the freezer", "Ready meals and frozen staples for busy days"),
    ("Farm to table", "Straight from our growers to your kitchen"),
    ("Party platters", "Everything for a feast, delivered tomorrow"),
)
SYNTHETIC_PROMOTIONS = (
    ("Deals of the week", "Up to 40% off"),
    ("Buy more, save more", "3 for 2 on selected items"),
    ("Fresh for less", "Everyday low prices"),
    ("Members' picks", "Extra 10% off"),
)


class _SharedImages(NamedTuple):
    tiles: list[str]  # SKU pictures, reused round-robin
    categories: dict[str, str]  # logo -> banner
    slides: list[str]
    promotions: list[str]


def _shared_images() -> _SharedImages:
    """The few pictures every synthetic row points at; written once, kept if present."""
    tile_specs = [(logo, PALETTES[logo]) for logo in LOGOS] + list(EXTRA_TILES)
    return _SharedImages(
        tiles=[_save(sku_picture(f"Sample product {n + 1}", "Storefront", logo, 1 + n % 3, p),
                     f"goods/synthetic-tile-{n + 1}.jpg", keep_existing=True)
               for n, (logo, p) in enumerate(tile_specs)],
        categories={logo: _save(category_picture("Demo category", logo),
                                f"categories/synthetic-{logo}.jpg", keep_existing=True)
                    for logo in LOGOS},
        slides=[_save(slide_picture(head, tag, LOGOS[n % len(LOGOS)]),
                      f"banners/synthetic-slide-{n + 1}.jpg", keep_existing=True)
                for n, (head, tag) in enumerate(SYNTHETIC_SLIDES)],
        promotions=[_save(promotion_picture(name, tag, LOGOS[n % len(LOGOS)]),
                          f"promotions/synthetic-promo-{n + 1}.jpg", keep_existing=True)
                    for n, (name, tag) in enumerate(SYNTHETIC_PROMOTIONS)],
    )


def seed_synthetic(n_categories: int, skus_per_category: int) -> str:
    """Categories "Category 001".. with ``skus_per_category`` SKUs each; existing ones skipped."""
    names = [f"Category {n:03d}" for n in range(1, n_categories + 1)]
    existing = set(db.session.scalars(
        select(GoodsCategory.name).where(GoodsCategory.name.like("Category %"))
    ))
    todo = [(n, name) for n, name in enumerate(names) if name not in existing]
    if not todo:
        return NOTHING_CHANGED
    images = _shared_images()
    made: list[tuple[int, list[int]]] = []
    with click.progressbar(todo, label="Seeding categories") as bar:
        for n, name in bar:
            made.append(_add_synthetic_category(n, name, skus_per_category, images))
    slides = _add_synthetic_slides(made, images)
    promotions = _add_synthetic_promotions(made, images)
    db.session.commit()
    return _summary(len(todo), len(todo) * skus_per_category, slides, promotions)


def _add_synthetic_category(n: int, name: str, n_skus: int, images: _SharedImages
                            ) -> tuple[int, list[int]]:
    """One category with its products, SKUs and homepage placements: (id, first SKU ids)."""
    logo = LOGOS[n % len(LOGOS)]
    category = GoodsCategory(name=name, logo=logo, image=images.categories[logo])
    base_names = [g.name for g in CATALOGUE[n % len(CATALOGUE)].goods]
    goods = [
        Goods(name=f"{ADJECTIVES[(n + k) % len(ADJECTIVES)]} {base_names[k % len(base_names)]}",
              detail=_text(f"A sample product of {name}.",
                           "Generated by flask seed-demo to fill a big catalogue."))
        for k in range(math.ceil(n_skus / SKUS_PER_GOODS))
    ]
    db.session.add(category)
    db.session.add_all(goods)
    db.session.flush()  # the category and product ids the bulk rows below point at
    now = utcnow()
    rows = [_synthetic_sku(n, j, category.id, goods[j // SKUS_PER_GOODS], images, now)
            for j in range(n_skus)]
    db.session.execute(insert(GoodsSKU), rows)
    sku_ids = list(db.session.scalars(
        select(GoodsSKU.id).where(GoodsSKU.category_id == category.id)
        .order_by(GoodsSKU.id).limit(2 * TILES_PER_KIND)
    ))
    _add_placements(category.id, sku_ids)
    return category.id, sku_ids


def _synthetic_sku(n: int, j: int, category_id: int, goods: Goods, images: _SharedImages,
                   now: datetime) -> dict[str, Any]:
    """One SKU row; price, stock and sales vary by formula, so every run makes the same."""
    unit, factor = UNITS[j % SKUS_PER_GOODS]
    base = Decimal(3 + (n * 7 + (j // SKUS_PER_GOODS) * 13) % 60) + Decimal("0.90")
    return {
        "category_id": category_id, "goods_id": goods.id, "name": f"{goods.name} {unit}",
        "title": f"{unit} of {goods.name.lower()}",
        "price": (base * factor).quantize(Decimal("0.01")), "unit": unit,
        "stock": 5 + (j * 37 + n * 11) % 196, "sales": (j * 53 + n * 29) % 500,
        "default_image": images.tiles[(n + j) % len(images.tiles)], "is_on_sale": True,
        "created_at": now, "updated_at": now,
    }


def _add_synthetic_slides(made: list[tuple[int, list[int]]], images: _SharedImages) -> int:
    if not _table_is_empty(IndexGoodsBanner):
        return 0
    db.session.execute(insert(IndexGoodsBanner), [
        {"sku_id": made[i % len(made)][1][0], "image": image, "index": i}
        for i, image in enumerate(images.slides)
    ])
    return len(images.slides)


def _add_synthetic_promotions(made: list[tuple[int, list[int]]], images: _SharedImages
                              ) -> int:
    if not _table_is_empty(IndexPromotionBanner):
        return 0
    db.session.execute(insert(IndexPromotionBanner), [
        {"name": name, "url": f"/list/{made[i % len(made)][0]}", "image": image, "index": i}
        for i, ((name, _), image) in enumerate(zip(SYNTHETIC_PROMOTIONS, images.promotions,
                                                   strict=True))
    ])
    return len(SYNTHETIC_PROMOTIONS)
