"""The demo catalogue in Chinese: each product's Chinese name (``Goods.name_zh``) by its
English one, and the synonym groups staff would keep (``SearchSynonym``), so 牛奶 finds the
milk and "shrimp" the prawns."""

from __future__ import annotations

NAMES_ZH = {
    # fruit
    "Fuji apples": "富士苹果",
    "赣南脐橙 Navel oranges": "赣南脐橙",
    "Sweetheart strawberries": "甜心草莓",
    "Hass avocados": "哈斯牛油果",
    "Cavendish bananas": "香蕉",
    "Seedless red grapes": "无籽红提",
    "Mini watermelon": "迷你西瓜",
    "Flat peaches": "蟠桃",
    "Sweet cherries": "车厘子",
    "Golden pineapple": "金菠萝",
    "Green kiwifruit": "绿心猕猴桃",
    "Alphonso mangoes": "阿方索芒果",
    "Unwaxed lemons": "无蜡柠檬",
    "Williams pears": "威廉斯梨",
    "Blueberries": "蓝莓",
    # vegetables
    "Broccoli": "西兰花",
    "Cherry tomatoes": "圣女果",
    "Baby pak choi": "小白菜",
    "Organic carrots": "有机胡萝卜",
    "Sweetcorn": "甜玉米",
    "Mini cucumbers": "迷你黄瓜",
    "Green peppers": "青椒",
    "Baking potatoes": "烤土豆",
    # seafood
    "Whole sea bass": "整条鲈鱼",
    "Wild tiger prawns": "野生老虎虾",
    "Pacific rock oysters": "太平洋岩牡蛎",
    "King crab legs": "帝王蟹腿",
    "Cleaned squid": "鱿鱼",
    "Scottish salmon fillets": "苏格兰三文鱼柳",
    # meat
    "Free-range chicken drumsticks": "散养鸡腿",
    "Grass-fed beef ribeye": "草饲肉眼牛排",
    "Dry-cured streaky bacon": "干腌五花培根",
    "Lamb leg, bone-in": "带骨羊腿",
    # eggs and dairy
    "Free-range eggs": "散养鸡蛋",
    "Whole milk": "全脂牛奶",
    "Farmhouse butter": "农家黄油",
    "Mature cheddar": "陈年切达奶酪",
    # frozen
    "Pork & chive dumplings": "猪肉韭菜水饺",
    "Vanilla ice cream": "香草冰淇淋",
    "Garden peas": "青豆",
    "Stone-baked margherita pizza": "石烤玛格丽特披萨",
    "Crinkle-cut oven chips": "波纹薯条",
}

# One group per line: any word of a group finds what the others would.
SYNONYMS = (
    "milk, 牛奶, 鲜奶",
    "prawn, shrimp, 虾",
    "salmon, 三文鱼, 鲑鱼",
    "egg, 鸡蛋",
    "potato, 土豆, 马铃薯",
    "tomato, 番茄, 西红柿",
    "pak choi, 小白菜, 青菜",
    "chips, fries, 薯条",
    "kiwifruit, kiwi, 猕猴桃, 奇异果",
    "avocado, 牛油果",
)


def name_zh(name: str) -> str | None:
    """The Chinese name of the demo product ``name``; a synthetic product ("Fresh Fuji
    apples") gets the Chinese name of the product it is named after."""
    return NAMES_ZH.get(name) or next(
        (zh for en, zh in NAMES_ZH.items() if name.endswith(f" {en}")), None)
