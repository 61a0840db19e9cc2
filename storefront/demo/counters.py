"""The demo's seafood, meat, dairy and freezer aisles."""

from __future__ import annotations

from storefront.demo.specs import CategorySpec, GoodsSpec, prose
from storefront.demo.specs import SkuSpec as S

SEAFOOD = CategorySpec("Seafood", "seafood", (
    GoodsSpec("Whole sea bass", prose(
        "Line-caught sea bass, gutted and scaled, with bright eyes and firm, silvery skin. "
        "Each fish serves one generously.",
        "Delivered chilled on ice, never frozen.",
        "Cooking tip: score the skin, stuff with lemon and herbs and roast at 220 °C for "
        "15-18 minutes.",
    ), (
        S("Whole sea bass, 1 fish", "Gutted and scaled, about 450 g", "32.00", "1 fish",
          45, 221),
        S("Whole sea bass, 2 fish", "Dinner for two", "59.00", "2 fish", 30, 140),
    ), "🐟", ("Very fresh, bright eyes and no fishy smell at all.",
             "Roasted it with lemon following the tip. Perfect.")),
    GoodsSpec("Wild tiger prawns", prose(
        "Large wild tiger prawns, 16-20 to the kilo, with firm, sweet meat and the striped "
        "shell they are named for.",
        "Sold raw and whole. Twist off the heads for a rich stock, then peel and devein the "
        "tails.",
        "Storage: keep chilled and cook within a day of delivery.",
    ), (
        S("Wild tiger prawns 300g", "Raw, whole, 16-20 per kilo", "45.00", "300g", 40, 96),
        S("Wild tiger prawns 1kg", "Enough for a seafood barbecue", "138.00", "1kg", 15, 33),
    ), "🦐", ("Huge prawns, firm and sweet. Made stock from the heads.",
             "Came on plenty of ice, all very fresh.")),
    GoodsSpec("Scottish salmon fillets", prose(
        "Skin-on salmon fillets from Scottish sea lochs, pin-boned and cut thick, with the "
        "deep orange flesh and fine marbling of a fish raised slowly in cold water.",
        "Pan-fry skin side down for four minutes, turn and give it one more.",
    ), (
        S("Scottish salmon fillets, 2 x 120g", "Skin-on, pin-boned", "24.00", "240g", 60, 187),
        S("Scottish salmon side 1kg", "A whole side to roast", "89.00", "1kg", 12, 29),
    ), "🍣", ("Thick fillets, crisp skin in four minutes as promised.",
             "Roasted the whole side for a party, everyone asked where it came from.")),
    GoodsSpec("Pacific rock oysters", prose(
        "Rock oysters grown in clean, cold tidal waters: plump, creamy and briny. Delivered "
        "live and closed, packed cup-side down.",
        "Shuck just before serving and eat raw with lemon, or grill with garlic butter.",
    ), (
        S("Pacific rock oysters, 6", "Live, plump and briny", "36.00", "6 pcs", 70, 254),
        S("Pacific rock oysters, 12", "A dozen to share", "68.00", "12 pcs", 35, 88),
    ), "🦪", ("Every one was closed and alive. Briny and creamy.",
             "Grilled half with garlic butter, amazing.")),
    GoodsSpec("King crab legs", prose(
        "Cooked and frozen at sea within hours of the catch, king crab legs are the most "
        "generous shellfish there is: long, sweet, snow-white meat.",
        "Thaw overnight in the fridge and serve cold with lemon, or warm through for five "
        "minutes in a steamer.",
        "Seasonal: the large 1 kg packs come back when the next season opens.",
    ), (
        S("King crab legs 500g", "Cooked at sea, sweet snow-white meat", "158.00", "500g", 8,
          19),
        # Out of season: the one off-sale SKU, so the on-sale filter has something to hide.
        S("King crab legs 1kg", "Back next season", "298.00", "1kg", 5, 41, False),
    ), "🦀", ("Pricey but worth it for a special dinner.",
             "So much sweet meat in each leg.")),
    GoodsSpec("Cleaned squid", prose(
        "Whole squid, cleaned and ready to slice into rings or score for the grill. Sweet and "
        "tender when cooked hot and fast.",
    ), (
        S("Cleaned squid 400g", "Tubes and tentacles, cleaned", "24.00", "400g", 50, 87),
        S("Cleaned squid 1kg", "For paella and fritto misto", "55.00", "1kg", 20, 26),
    ), "🦑", ("Already cleaned, saved me so much time. Tender rings.",
             "Made calamari, not rubbery at all.")),
), "🐟🦐🦀")

MEAT = CategorySpec("Meat & poultry", "meat", (
    GoodsSpec("Free-range chicken drumsticks", prose(
        "Drumsticks from slow-grown chickens raised outdoors on small farms and fed on "
        "grain. Firmer and fuller in flavour than a standard bird; the skin roasts to a deep "
        "golden brown.",
        "Roast at 200 °C for 35-40 minutes, or marinate and grill.",
    ), (
        S("Free-range chicken drumsticks 600g", "Slow-grown, about 6 pieces", "18.00", "600g",
          50, 167),
        S("Free-range chicken drumsticks 1.2kg", "Barbecue pack", "33.00", "1.2kg", 30, 92),
    ), "🍗", ("Meaty drumsticks, the skin went really crispy.",
             "Tender and juicy, the whole family loved them.")),
    GoodsSpec("Grass-fed beef ribeye", prose(
        "Ribeye steaks from grass-fed cattle, dry-aged on the bone for 28 days for a deeper "
        "flavour and a more tender bite. Generous marbling runs through every steak.",
        "Each steak is cut 2.5 cm thick. Bring it to room temperature, season well and sear "
        "hard; three minutes a side gives medium-rare.",
    ), (
        S("Grass-fed beef ribeye 250g", "Dry-aged 28 days, 2.5 cm thick", "68.00", "250g",
          40, 128),
        S("Grass-fed beef ribeye 2 x 250g", "Steak night for two", "128.00", "2 x 250g", 25,
          71),
    ), "🥩", ("Beautiful marbling. Three minutes a side was spot on.",
             "Best steak I've bought online.")),
    GoodsSpec("Dry-cured streaky bacon", prose(
        "Streaky bacon from outdoor-reared pigs, dry-cured by hand and smoked over beech: it "
        "crisps in the pan instead of leaking water.",
    ), (
        S("Dry-cured streaky bacon 200g", "Beech-smoked, 10 rashers", "12.80", "200g", 80,
          305),
        S("Dry-cured streaky bacon 500g", "Weekend breakfast pack", "28.90", "500g", 45, 112),
    ), "🥓", ("Crisps up beautifully, no white goo in the pan.",
             "Lovely smoky flavour.")),
    GoodsSpec("Lamb leg, bone-in", prose(
        "Bone-in legs of spring lamb from upland pastures. The bone keeps the meat juicy and "
        "adds flavour as it roasts.",
        "Stud with garlic and rosemary and roast at 200 °C for 20 minutes per 500 g for "
        "pink lamb.",
        "The half leg is cut from the fillet end and serves two to three.",
    ), (
        S("Lamb leg, bone-in 1.5kg", "Spring lamb for a family roast", "118.00", "1.5kg", 20,
          44),
        S("Lamb leg, half 800g", "Fillet end, serves two to three", "66.00", "800g", 25, 59),
    ), "🍖", ("Roasted with rosemary for Sunday lunch, so tender.",
             "Great flavour and nicely trimmed.")),
), "🥩🍗🍖")

DAIRY = CategorySpec("Eggs & dairy", "eggs", (
    GoodsSpec("Free-range eggs", prose(
        "Large free-range eggs from hens that roam outside every day. Strong shells, "
        "rich orange yolks that stand tall in the pan.",
        "Laid no more than three days before delivery and stamped with the farm and the "
        "date.",
        "Storage: pointed end down in the fridge, away from strong smells.",
    ), (
        S("Free-range eggs, 6 pack", "Large eggs, rich orange yolks", "12.00", "6 eggs",
          150, 512),
        S("Free-range eggs, 12 pack", "A dozen for the week", "22.00", "12 eggs", 120, 388),
        S("Free-range eggs, tray of 30", "Baker's tray", "49.00", "30 eggs", 30, 77),
    ), "🥚", ("Deep orange yolks, and not one cracked egg.",
             "Laid two days before delivery according to the stamp.")),
    GoodsSpec("Whole milk", prose(
        "Whole milk from one dairy's own herd, gently pasteurised and not homogenised, so "
        "the cream rises to the top. Shake before pouring.",
        "3.8% fat, no additives. Keep below 4 °C and drink within four days of opening.",
    ), (
        S("Whole milk 1L", "Single herd, cream on top", "8.50", "1L", 200, 640),
        S("Whole milk 2L", "The family bottle", "15.80", "2L", 110, 295),
    ), "🥛", ("Tastes like milk used to, with cream on top.",
             "Well within date and cold on arrival.")),
    GoodsSpec("Farmhouse butter", prose(
        "Slow-churned butter from cultured cream, lightly salted. Spreadable straight from "
        "the fridge after ten minutes.",
    ), (
        S("Farmhouse butter 250g", "Slow-churned, lightly salted", "14.90", "250g", 90, 231),
        S("Farmhouse butter 2 x 250g", "One for baking, one for toast", "27.00", "2 x 250g",
          50, 102),
    ), "🧈", ("Rich and creamy, lovely on warm toast.",
             "Made the best shortbread with it.")),
    GoodsSpec("Mature cheddar", prose(
        "Cheddar matured for 15 months: firm, crumbly and nutty, with the little crunchy "
        "crystals that tell you it has aged well.",
    ), (
        S("Mature cheddar 200g", "Aged 15 months", "16.50", "200g", 70, 143),
        S("Mature cheddar 500g", "For the cheese board", "36.00", "500g", 30, 48),
    ), "🧀", ("Sharp and nutty, with those crunchy crystals.",
             "Melted beautifully on toast.")),
), "🥚🥛🧀")

FROZEN = CategorySpec("Frozen food", "ice", (
    GoodsSpec("Pork & chive dumplings", prose(
        "Hand-folded dumplings filled with pork and garlic chives, frozen within an hour of "
        "folding. Thin wrappers that stay silky after boiling.",
        "Cook from frozen: drop into boiling water, and when they float add a cup of cold "
        "water; repeat twice. Or pan-fry them as potstickers.",
        "About 40 dumplings per 1 kg bag.",
    ), (
        S("Pork & chive dumplings 500g", "Hand-folded, thin wrappers", "24.90", "500g", 100,
          287),
        S("Pork & chive dumplings 1kg", "About 40 dumplings", "45.00", "1kg", 60, 145),
    ), "🥟", ("Thin wrappers and juicy filling, tastes homemade.",
             "Pan-fried them as potstickers, dinner in ten minutes.")),
    GoodsSpec("Vanilla ice cream", prose(
        "Proper custard-based ice cream made with free-range egg yolks, cream and real "
        "Madagascan vanilla pods; you can see the seeds.",
        "Let it stand for five minutes out of the freezer before scooping.",
    ), (
        S("Vanilla ice cream 500ml", "Real vanilla pods, custard base", "22.00", "500ml", 70,
          190),
        S("Vanilla ice cream 1L tub", "For the whole family", "38.00", "1L tub", 40, 84),
    ), "🍨", ("You can see the vanilla seeds. Rich and creamy.",
             "Arrived frozen solid. The kids ask for it every week now.")),
    GoodsSpec("Garden peas", prose(
        "Sweet garden peas frozen within two and a half hours of picking, which keeps them "
        "sweeter than most fresh peas in the shops.",
        "Boil for three minutes, or add straight from frozen to risottos and pies.",
    ), (
        S("Garden peas 500g", "Frozen within hours of picking", "8.90", "500g", 130, 176),
        S("Garden peas 1kg", "Freezer staple", "15.90", "1kg", 80, 99),
    ), "🫛", ("Really sweet peas, a freezer staple now.",
             "Three minutes and done, great with fish.")),
    GoodsSpec("Stone-baked margherita pizza", prose(
        "Sourdough bases stretched by hand and part-baked on stone, topped with San Marzano "
        "tomatoes, fior di latte and basil.",
        "Bake from frozen at 220 °C for 10-12 minutes, straight on the oven rack for a crisp "
        "base.",
    ), (
        S("Margherita pizza, single", "Sourdough base, stone-baked", "29.00", "1 pizza", 55,
          160),
        S("Margherita pizza, twin pack", "Two pizzas for movie night", "52.00", "2 pizzas",
          35, 71),
    ), "🍕", ("Crisp base straight on the rack, like a pizzeria.",
             "Good tomato sauce and proper mozzarella.")),
    GoodsSpec("Crinkle-cut oven chips", prose(
        "Thick crinkle-cut chips from floury potatoes, cooked in sunflower oil and frozen. "
        "Crisp outside, fluffy inside after 20 minutes in the oven.",
    ), (
        S("Crinkle-cut oven chips 1kg", "Crisp and fluffy", "9.50", "1kg", 90, 211),
        S("Crinkle-cut oven chips 2.5kg", "Big family bag", "19.90", "2.5kg", 40, 63),
    ), "🍟", ("Really crispy from the oven.",
             "Kids' favourite, big bag lasts ages.")),
), "🥟🍕🍨")
