"""The hand-written demo catalogue as data: categories, products and SKUs, carousel slides,
promotions, reviews and the customers who wrote them."""

from __future__ import annotations

from typing import NamedTuple


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


def prose(*paragraphs: str) -> str:
    return "\n\n".join(paragraphs)


FRUIT = CategorySpec("Fresh fruit", "fruit", (
    GoodsSpec("Fuji apples", prose(
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
    GoodsSpec("赣南脐橙 Navel oranges", prose(
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
    GoodsSpec("Sweetheart strawberries 🍓", prose(
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
    GoodsSpec("Hass avocados", prose(
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
    GoodsSpec("Atlantic salmon fillet", prose(
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
    GoodsSpec("Wild tiger prawns", prose(
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
    GoodsSpec("Live blue mussels", prose(
        "Rope-grown blue mussels from clean northern waters: plump, orange meat and thin, "
        "glossy shells. Cleaned and debearded.",
        "Steam them with white wine, garlic and parsley; they are done as soon as the "
        "shells open. Discard any that stay closed.",
    ), (
        SkuSpec("Live blue mussels 1kg", "Cleaned and debearded, ready to steam", "18.80",
                "1kg", 70, 254),
        SkuSpec("Live blue mussels 2kg", "A big pot for four", "34.00", "2kg", 35, 88),
    )),
    GoodsSpec("King crab legs", prose(
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
    GoodsSpec("Free-range whole chicken", prose(
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
    GoodsSpec("Grass-fed beef ribeye", prose(
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
    GoodsSpec("Pork belly slices", prose(
        "Rindless pork belly cut into 1 cm slices, with even layers of meat and fat that "
        "render crisp on the grill.",
        "Perfect for Korean barbecue, braising in soy and star anise, or slow roasting with "
        "fennel seeds.",
    ), (
        SkuSpec("Pork belly slices 500g", "Even layers, 1 cm thick", "26.80", "500g", 80, 305),
        SkuSpec("Pork belly slices 1kg", "Barbecue pack", "49.90", "1kg", 45, 112),
    )),
    GoodsSpec("Lamb leg, bone-in", prose(
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
    GoodsSpec("Free-range eggs", prose(
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
    GoodsSpec("Whole milk", prose(
        "Whole milk from one dairy's own herd, gently pasteurised and not homogenised, so "
        "the cream rises to the top. Shake before pouring.",
        "3.8% fat, no additives. Keep below 4 °C and drink within four days of opening.",
    ), (
        SkuSpec("Whole milk 1L", "Single herd, cream on top", "8.50", "1L", 200, 640),
        SkuSpec("Whole milk 2L", "The family bottle", "15.80", "2L", 110, 295),
    )),
    GoodsSpec("Greek yoghurt", prose(
        "Thick, strained Greek-style yoghurt with 10% fat: tangy, creamy and rich enough to "
        "stand a spoon in.",
        "Serve with honey and walnuts, stir into curries, or use it instead of cream.",
    ), (
        SkuSpec("Greek yoghurt 500g", "Strained, thick and tangy", "14.90", "500g", 90, 231),
        SkuSpec("Greek yoghurt 1kg", "Big tub for breakfasts", "26.00", "1kg", 50, 102),
    )),
    GoodsSpec("Crème fraîche", prose(
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
    GoodsSpec("Broccoli", prose(
        "Tight, dark-green heads of broccoli with tender stalks, cut in the morning and "
        "cooled straight away so they stay crisp.",
        "Don't throw away the stalk: peel it, slice it thinly and stir-fry it with the "
        "florets.",
    ), (
        SkuSpec("Broccoli 1 head", "About 400 g, cut this morning", "6.90", "pc", 140, 298),
        SkuSpec("Broccoli 2 heads", "Two heads for the week", "12.50", "2 pcs", 90, 121),
    )),
    GoodsSpec("Cherry tomatoes", prose(
        "Vine-ripened cherry tomatoes with thin skins and a sweet, almost fruity flavour. "
        "They are left on the plant until fully red.",
        "Keep them out of the fridge: cold dulls the flavour. Eat within five days.",
    ), (
        SkuSpec("Cherry tomatoes 250g", "Vine-ripened and sweet", "7.80", "250g", 160, 420),
        SkuSpec("Cherry tomatoes 500g", "For salads and roasting", "13.90", "500g", 95, 201),
        SkuSpec("Cherry tomatoes 1kg", "A big bowl for sauce", "25.00", "1kg", 40, 66),
    )),
    GoodsSpec("Baby spinach", prose(
        "Tender baby spinach leaves, washed three times and ready to eat. Mild and sweet "
        "raw, and wilts in seconds in a hot pan.",
        "Keep chilled and use within three days of delivery.",
    ), (
        SkuSpec("Baby spinach 150g bag", "Washed and ready to eat", "6.50", "150g", 110, 233),
        SkuSpec("Baby spinach 300g bag", "For smoothies and salads", "11.90", "300g", 60, 97),
    )),
    GoodsSpec("Organic carrots", prose(
        "Certified organic carrots grown in sandy soil, which keeps them straight and sweet. "
        "Sold unwashed, with a little earth, because they keep longer that way.",
        "Roast them whole with cumin and honey, or grate them raw into salads.",
    ), (
        SkuSpec("Organic carrots 1kg", "Sweet, crunchy, organic", "5.90", "1kg", 180, 356),
        SkuSpec("Organic carrots 2kg", "For juicing and soups", "10.80", "2kg", 75, 88),
    )),
))

FROZEN = CategorySpec("Frozen food", "ice", (
    GoodsSpec("Pork & chive dumplings 饺子", prose(
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
    GoodsSpec("Vanilla ice cream", prose(
        "Proper custard-based ice cream made with free-range egg yolks, cream and real "
        "Madagascan vanilla pods; you can see the seeds.",
        "Let it stand for five minutes out of the freezer before scooping.",
    ), (
        SkuSpec("Vanilla ice cream 500ml", "Real vanilla pods, custard base", "22.00", "500ml",
                70, 190),
        SkuSpec("Vanilla ice cream 1L tub", "For the whole family", "38.00", "1L", 40, 84),
    )),
    GoodsSpec("Garden peas", prose(
        "Sweet garden peas frozen within two and a half hours of picking, which keeps them "
        "sweeter than most fresh peas in the shops.",
        "Boil for three minutes, or add straight from frozen to risottos and pies.",
    ), (
        SkuSpec("Garden peas 500g", "Frozen within hours of picking", "8.90", "500g", 130,
                176),
        SkuSpec("Garden peas 1kg", "Freezer staple", "15.90", "1kg", 80, 99),
    )),
    GoodsSpec("Stone-baked margherita pizza", prose(
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
