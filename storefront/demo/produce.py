"""The demo's fruit and vegetable aisles. Fruit is the big one: three list pages of it."""

from __future__ import annotations

from storefront.demo.specs import CategorySpec, GoodsSpec, prose
from storefront.demo.specs import SkuSpec as S

FRUIT = CategorySpec("Fresh fruit", "fruit", (
    GoodsSpec("Fuji apples", prose(
        "Fuji apples from high orchards in Shaanxi, where cold nights and sunny days build "
        "up the sugar. The flesh is dense, crisp and very juicy, with a honeyed sweetness "
        "and hardly any sourness.",
        "Picked ripe, washed and graded by hand. Each apple weighs about 200-250 g.",
        "Storage: keep in the fridge crisper drawer for up to three weeks. Take them out an "
        "hour before eating for the fullest flavour.",
    ), (
        S("Fuji apples 500g", "Crisp and juicy, picked this week", "9.90", "500g", 120, 342),
        S("Fuji apples 1kg", "About five apples, sweet and crunchy", "17.50", "1kg", 85, 198),
        S("Fuji apples 2.5kg box", "Family box of about 12 apples", "39.00", "2.5kg box", 30,
          57),
    ), "🍎", ("Really crisp, the kids finished the bag in two days.",
             "Sweet with hardly any sourness, just as described.",
             "Not a single bruise in the box. Will order again.")),
    GoodsSpec("赣南脐橙 Navel oranges", prose(
        "Gannan navel oranges from southern Jiangxi, the region famous for its red soil and "
        "long, warm autumns. Thin peel that comes away easily, seedless segments and a "
        "bright, balanced sweetness.",
        "Every orange is checked by hand and wrapped against bruising. Expect 8-10 oranges "
        "per kilo.",
        "Storage: a cool, airy spot for a week, or the fridge for two.",
    ), (
        S("赣南脐橙 Navel oranges 1kg", "Seedless, easy to peel, full of juice", "12.80", "1kg",
          150, 410),
        S("赣南脐橙 Navel oranges 5kg gift box", "Hand-wrapped oranges in a gift box", "55.00",
          "5kg gift box", 25, 64),
    ), "🍊", ("Peel comes off in one piece and there are no pips at all.",
             "So juicy! We squeezed half of them for breakfast.",
             "Sent the gift box to my parents, it arrived beautifully wrapped.")),
    GoodsSpec("Sweetheart strawberries", prose(
        "Sweetheart strawberries grown in greenhouses outside Dandong and picked at first "
        "light, when the berries are coolest and firmest. Deep red right through, fragrant "
        "and sweet.",
        "Packed into punnets in the field, so nobody handles them twice.",
        "Storage: eat within two days. Keep them unwashed in the fridge and rinse just "
        "before serving.",
    ), (
        S("Sweetheart strawberries 250g punnet", "Picked at dawn, on your table today",
          "16.50", "250g punnet", 60, 276),
        S("Sweetheart strawberries 500g", "Two punnets of fragrant berries", "29.90",
          "2 x 250g", 40, 133),
        S("Sweetheart strawberries 1kg tray", "A full tray for jam or a party", "52.00",
          "1kg tray", 12, 21),
    ), "🍓", ("Red right through and smelled amazing when I opened the box.",
             "Not one squashed berry in the punnet.",
             "Made jam with the tray, best batch I've made.")),
    GoodsSpec("Hass avocados", prose(
        "Hass avocados with the classic pebbly skin that turns almost black when ripe. "
        "Creamy, nutty flesh for toast, salads and guacamole.",
        "The 'ripe & ready' packs are ripened in our own rooms and are ready to eat today; "
        "the 2-pack ripens in two to four days in a fruit bowl.",
    ), (
        S("Hass avocados 2-pack", "Ripen at home in two to four days", "13.90", "2 pcs", 90,
          187),
        S("Hass avocados, 6 ripe & ready", "Ready to eat today", "36.00", "6 pcs, ripe", 35,
          74),
    ), "🥑", ("The ripe & ready ones really were ready: perfect guacamole.",
             "Creamy and no brown spots inside.")),
    GoodsSpec("Cavendish bananas", prose(
        "Fairtrade Cavendish bananas, delivered just yellow with a hint of green at the "
        "stalk, so they stay good all week.",
        "Keep them out of the fridge; a paper bag speeds up ripening.",
    ), (
        S("Cavendish bananas, bunch of 5", "Fairtrade, just ripe", "6.50", "5 pcs", 200, 521),
        S("Cavendish bananas 1.5kg", "For smoothies and banana bread", "11.00", "1.5kg", 90,
          143),
    ), "🍌", ("Arrived just yellow and lasted the whole week.",
             "Great for banana bread, sweet and creamy.")),
    GoodsSpec("Seedless red grapes", prose(
        "Crimson seedless grapes: crunchy, thin-skinned and sweet, with a little tartness "
        "at the finish.",
        "Rinse just before eating; they keep for a week in the fridge.",
    ), (
        S("Seedless red grapes 500g", "Crunchy and sweet", "14.80", "500g", 80, 236),
        S("Seedless red grapes 1kg", "A big bunch to share", "27.00", "1kg", 45, 88),
    ), "🍇", ("Crunchy and sweet, no seeds as promised.",
             "Big firm grapes, great in the lunch box.")),
    GoodsSpec("Mini watermelon", prose(
        "Personal-size watermelons with thin rinds and deep red, crisp flesh; small enough "
        "for the fridge door.",
        "Each melon weighs about 2 kg. Chill before cutting.",
    ), (
        S("Mini watermelon, whole", "About 2 kg, thin rind", "19.90", "1 pc, ~2kg", 40, 152),
        S("Mini watermelon, half", "Cut and wrapped today", "10.90", "half, ~1kg", 30, 97),
    ), "🍉", ("Sweet and crisp, fit in the fridge easily.",
             "Thin rind, lots of fruit. The kids loved it.")),
    GoodsSpec("Flat peaches", prose(
        "Saturn flat peaches with white, fragrant flesh that comes easily off the small "
        "stone. Sweeter and less fuzzy than round peaches.",
        "Ripen on the counter for a day, then eat over a sink.",
    ), (
        S("Flat peaches 500g", "White flesh, fragrant", "15.50", "500g", 60, 117),
        S("Flat peaches 1kg", "About ten peaches", "28.00", "1kg", 30, 41),
    ), "🍑", ("Fragrant and dripping with juice.",
             "A day on the counter and they were perfect.")),
    GoodsSpec("Sweet cherries", prose(
        "Dark, glossy sweet cherries with green stalks, from the short early-summer season.",
        "Keep them cold and unwashed; they are best within three days.",
    ), (
        S("Sweet cherries 400g", "Dark and glossy, stalks on", "26.00", "400g", 50, 188),
        S("Sweet cherries 1kg", "Season's best, big box", "58.00", "1kg", 20, 44),
    ), "🍒", ("Big, dark and sweet. Worth the price in season.",
             "Firm and fresh, the stalks were still green.")),
    GoodsSpec("Golden pineapple", prose(
        "Extra-sweet golden pineapples, picked ripe and flown in, with a deep yellow flesh "
        "and low acidity.",
        "Twist out a leaf from the crown: if it comes easily, the pineapple is ready.",
    ), (
        S("Golden pineapple, whole", "Extra sweet, low acidity", "16.90", "1 pc", 45, 133),
        S("Golden pineapple, peeled & cored", "Ready to eat, 400 g tub", "12.90", "400g tub",
          35, 96),
    ), "🍍", ("Really sweet and not stringy at all.",
             "The peeled tub saves so much mess.")),
    GoodsSpec("Green kiwifruit", prose(
        "Green kiwifruit with bright, tangy flesh, rich in vitamin C. Ripen a few on the "
        "counter and keep the rest in the fridge.",
    ), (
        S("Green kiwifruit, 6 pack", "Tangy and bright", "9.80", "6 pcs", 100, 208),
        S("Green kiwifruit 1kg", "About 10 kiwis", "15.00", "1kg", 60, 65),
    ), "🥝", ("Tangy and juicy, ripened in two days.",
             "Good size kiwis, none were hard.")),
    GoodsSpec("Alphonso mangoes", prose(
        "Alphonso mangoes, the 'king of mangoes': saffron-coloured flesh with no fibres and "
        "a honeyed, floral perfume.",
        "Ready when they smell sweet at the stalk and give a little when pressed.",
    ), (
        S("Alphonso mangoes, 2 pack", "Fibre-free, floral and sweet", "24.00", "2 pcs", 40,
          121),
        S("Alphonso mangoes, box of 6", "A box for mango lovers", "66.00", "6 pcs", 15, 38),
    ), "🥭", ("The smell filled the kitchen. No fibres at all.",
             "Best mangoes I have had outside India.")),
    GoodsSpec("Unwaxed lemons", prose(
        "Unwaxed lemons with thin, fragrant zest: grate it into cakes and dressings without "
        "a second thought.",
    ), (
        S("Unwaxed lemons, 4 pack", "Thin, fragrant zest", "5.20", "4 pcs", 150, 264),
        S("Unwaxed lemons 1kg", "For lemonade and curd", "11.50", "1kg", 50, 52),
    ), "🍋", ("Lovely zest, exactly what I wanted for baking.",
             "Juicy lemons, great value.")),
    GoodsSpec("Williams pears", prose(
        "Williams pears with buttery, melting flesh and a musky perfume when ripe; the skin "
        "turns from green to golden yellow.",
    ), (
        S("Williams pears 500g", "Buttery and fragrant", "8.90", "500g", 70, 93),
        S("Williams pears 1kg", "For poaching and tarts", "16.00", "1kg", 40, 37),
    ), "🍐", ("Soft and juicy after a day or two.",
             "Poached them in wine, they held their shape.")),
    GoodsSpec("Blueberries", prose(
        "Plump blueberries with a silvery bloom, sweet with a gentle tang. Rinse just "
        "before eating.",
    ), (
        S("Blueberries 125g punnet", "Plump and sweet", "8.50", "125g punnet", 110, 301),
        S("Blueberries 500g", "For pancakes and muffins", "28.00", "500g", 40, 82),
    ), "🫐", ("Plump and sweet, none were mushy.",
             "Went straight into pancakes. Delicious.")),
), "🍎🍊🍓")

VEG = CategorySpec("Vegetables", "veg", (
    GoodsSpec("Broccoli", prose(
        "Tight, dark-green heads of broccoli with tender stalks, cut in the morning and "
        "cooled straight away so they stay crisp.",
        "Don't throw away the stalk: peel it, slice it thinly and stir-fry it with the "
        "florets.",
    ), (
        S("Broccoli, 1 head", "About 400 g, cut this morning", "6.90", "1 head", 140, 298),
        S("Broccoli, 2 heads", "Two heads for the week", "12.50", "2 heads", 90, 121),
    ), "🥦", ("Tight green heads, still crisp after five days.",
             "Tasty stalks too, I followed the stir-fry tip.")),
    GoodsSpec("Cherry tomatoes", prose(
        "Vine-ripened cherry tomatoes with thin skins and a sweet, almost fruity flavour. "
        "They are left on the plant until fully red.",
        "Keep them out of the fridge: cold dulls the flavour. Eat within five days.",
    ), (
        S("Cherry tomatoes 250g", "Vine-ripened and sweet", "7.80", "250g", 160, 420),
        S("Cherry tomatoes 500g", "For salads and roasting", "13.90", "500g", 95, 201),
        S("Cherry tomatoes 1kg", "A big bowl for sauce", "25.00", "1kg", 40, 66),
    ), "🍅", ("Sweet like sweets. The kids eat them from the punnet.",
             "Roasted the big bowl into sauce, wonderful flavour.")),
    GoodsSpec("Baby pak choi", prose(
        "Small, tender heads of pak choi with crisp white stems and mild green leaves.",
        "Halve them and steam, or stir-fry with garlic and a splash of soy sauce.",
    ), (
        S("Baby pak choi 300g", "Tender heads, crisp stems", "6.50", "300g", 110, 233),
        S("Baby pak choi 600g", "For a family stir-fry", "11.90", "600g", 60, 97),
    ), "🥬", ("Crisp stems and no yellow leaves.",
             "Perfect with garlic and soy, as suggested.")),
    GoodsSpec("Organic carrots", prose(
        "Certified organic carrots grown in sandy soil, which keeps them straight and sweet. "
        "Sold unwashed, with a little earth, because they keep longer that way.",
        "Roast them whole with cumin and honey, or grate them raw into salads.",
    ), (
        S("Organic carrots 1kg", "Sweet, crunchy, organic", "5.90", "1kg", 180, 356),
        S("Organic carrots 2kg", "For juicing and soups", "10.80", "2kg", 75, 88),
    ), "🥕", ("Sweet and crunchy, a world away from supermarket carrots.",
             "Kept for two weeks in the fridge.")),
    GoodsSpec("Sweetcorn", prose(
        "Sweetcorn cobs picked and chilled the same morning, before their sugar turns to "
        "starch. Boil for four minutes or grill in the husk.",
    ), (
        S("Sweetcorn, 2 cobs", "Picked this morning", "4.90", "2 cobs", 120, 176),
        S("Sweetcorn, 6 cobs", "Barbecue pack", "13.50", "6 cobs", 50, 61),
    ), "🌽", ("Incredibly sweet, four minutes in the pot was perfect.",
             "Great on the barbecue.")),
    GoodsSpec("Mini cucumbers", prose(
        "Crunchy snack cucumbers with thin skins and hardly any seeds; no need to peel.",
    ), (
        S("Mini cucumbers 300g", "Crunchy, thin-skinned", "5.50", "300g", 100, 154),
        S("Mini cucumbers 600g", "Lunch-box favourite", "9.90", "600g", 50, 49),
    ), "🥒", ("So crunchy, great for the lunch boxes.",
             "Fresh and firm, no bitterness.")),
    GoodsSpec("Green peppers", prose(
        "Firm, glossy green peppers with thick walls and a fresh, grassy bite. Stuff them, "
        "roast them or slice them raw into salads.",
    ), (
        S("Green peppers, 3 pack", "Thick-walled and glossy", "5.80", "3 pcs", 90, 112),
        S("Green peppers 1kg", "For stuffing and stir-fries", "12.00", "1kg", 40, 31),
    ), "🫑", ("Firm and glossy, stuffed them the same night.",
             "Fresh and crunchy.")),
    GoodsSpec("Baking potatoes", prose(
        "Floury potatoes for fluffy jackets, mash and roasties. Store them somewhere cool "
        "and dark, out of the fridge.",
    ), (
        S("Baking potatoes 2kg", "Floury, for jackets and mash", "6.90", "2kg", 140, 207),
        S("Baking potatoes 5kg sack", "The family sack", "14.50", "5kg sack", 60, 66),
    ), "🥔", ("Fluffy jackets every time.",
             "Good size potatoes, no green bits.")),
), "🥦🥕🍅")
