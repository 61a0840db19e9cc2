"""The hand-written demo catalogue as data: its aisles (``produce``, ``counters``), carousel
slides, promotions and the customers who wrote the reviews."""

from __future__ import annotations

from storefront.demo.counters import DAIRY, FROZEN, MEAT, SEAFOOD
from storefront.demo.produce import FRUIT, VEG
from storefront.demo.specs import CategorySpec, GoodsSpec, SkuSpec, prose

__all__ = ["CATALOGUE", "DEMO_USERS", "PROMOTIONS", "SLIDES", "CategorySpec", "GoodsSpec",
           "SkuSpec", "prose"]

CATALOGUE: tuple[CategorySpec, ...] = (FRUIT, SEAFOOD, MEAT, DAIRY, VEG, FROZEN)

# Carousel slides: (SKU name, headline, tagline).
SLIDES = (
    ("Sweetheart strawberries 250g punnet", "Strawberry season is here",
     "Sweet berries picked at dawn and delivered the same day"),
    ("Whole sea bass, 1 fish", "Fresh off the boat",
     "Line-caught sea bass, chilled on ice and never frozen"),
    ("Grass-fed beef ribeye 250g", "Steak night, sorted",
     "Dry-aged for 28 days for a deeper flavour"),
    ("Free-range eggs, 12 pack", "Breakfast done right",
     "Free-range eggs laid no more than three days ago"),
    ("Pork & chive dumplings 500g", "Dumplings in ten minutes",
     "Hand-folded and frozen within the hour"),
)

# Promotions: (name, category index, tagline, emoji); each links to its category's list.
PROMOTIONS = (
    ("Fruit festival", 0, "Up to 30% off apples & oranges", "🍊🍎"),
    ("Seafood Friday", 1, "Fresh catch for the weekend", "🦐🐟"),
    ("Weekend barbecue", 2, "Steaks, bacon and drumsticks", "🥩🍗"),
    ("Freezer favourites", 5, "Three for the price of two", "🍕🍨"),
)

# Demo customers, who wrote the reviews. Their passwords are random: nobody signs in as them.
DEMO_USERS = (
    ("lily_w", "lily@example.com"),
    ("tom.chen", "tom.chen@example.com"),
    ("grace_h", "grace@example.com"),
)
