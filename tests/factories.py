"""Small, known catalogues for tests, built straight through the models."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from storefront import models
from storefront.extensions import db
from storefront.models import Goods, GoodsCategory, IndexCategoryGoodsBanner, IndexGoodsBanner
from storefront.services.accounts.passwords import hash_password

TITLE, IMAGE = IndexCategoryGoodsBanner.TITLE, IndexCategoryGoodsBanner.IMAGE


def sku(category: GoodsCategory, goods: Goods, name: str, price: str = "9.90", **fields):
    item = models.GoodsSKU(category=category, goods=goods, name=name, price=Decimal(price),
                    title=fields.pop("title", f"{name}, fresh today"),
                    unit=fields.pop("unit", "500g"), stock=fields.pop("stock", 10),
                    sales=fields.pop("sales", 0), default_image=f"goods/{name}.jpg", **fields)
    db.session.add(item)
    return item


@dataclass
class Shop:
    fruit: int
    seafood: int
    apples: int  # on sale, with a gallery, a review and a sibling spec
    apples_big: int  # same SPU as apples
    crate: int  # same SPU, off sale
    prawns: int
    oysters: int  # off sale


def catalogue_changed() -> None:
    """Rows written past the admin: the header's index of what can be bought is dropped, as
    an edit's commit drops it (a visitor who signed in before counted an older catalogue)."""
    from storefront.services.cart import stock

    stock.forget()


def small_shop() -> Shop:
    fruit = GoodsCategory(name="Fresh fruit", logo="fruit", image="categories/fruit.jpg")
    seafood = GoodsCategory(name="Seafood", logo="seafood", image="categories/seafood.jpg")
    apple_spu = Goods(name="Fuji apples", detail="Crisp apples.\nGrown in the hills.")
    shellfish = Goods(name="Shellfish", detail="From cold water.")
    apples = sku(fruit, apple_spu, "Fuji apples 500g", "9.90", stock=10, sales=50)
    apples_big = sku(fruit, apple_spu, "Fuji apples 2kg", "29.00", unit="2kg", sales=5)
    crate = sku(fruit, apple_spu, "Fuji apples crate", "99.00", is_on_sale=False)
    prawns = sku(seafood, shellfish, "Tiger prawns", "45.00", unit="300g")
    oysters = sku(seafood, shellfish, "Oysters", "60.00", is_on_sale=False)
    apples.images = [models.GoodsImage(image="goods/apples-1.jpg"),
                     models.GoodsImage(image="goods/apples-2.jpg")]
    db.session.add_all([
        IndexGoodsBanner(sku=apples, image="banners/apples.jpg", index=1),
        IndexGoodsBanner(sku=crate, image="banners/crate.jpg", index=0),
        IndexGoodsBanner(sku=prawns, image="banners/prawns.jpg", index=2),
        models.IndexPromotionBanner(name="Seafood week", url="/list/2", image="promo/sea.jpg",
                                    index=2),
        models.IndexPromotionBanner(name="Fruit festival", url="/list/1", image="promo/fruit.jpg",
                             index=1),
        IndexCategoryGoodsBanner(category=fruit, sku=apples_big, display_type=TITLE, index=0),
        IndexCategoryGoodsBanner(category=fruit, sku=apples, display_type=IMAGE, index=1),
        IndexCategoryGoodsBanner(category=fruit, sku=crate, display_type=IMAGE, index=0),
        IndexCategoryGoodsBanner(category=seafood, sku=prawns, display_type=IMAGE, index=0),
        IndexCategoryGoodsBanner(category=seafood, sku=oysters, display_type=TITLE, index=0),
    ])
    reviewer = models.User(username="bob", email="bob@example.com",
                           password_hash=hash_password("x"))
    order = models.OrderInfo(order_no="20261125-0001", user=reviewer,
                             status=models.OrderInfo.DELIVERED)
    db.session.add(models.OrderGoods(order=order, sku=apples, count=2, price=Decimal("9.90"),
                              comment="Sweet and crunchy!"))
    db.session.add(models.OrderGoods(order=order, sku=apples_big, count=1, price=Decimal("29.00")))
    db.session.commit()
    catalogue_changed()
    return Shop(fruit.id, seafood.id, apples.id, apples_big.id, crate.id, prawns.id, oysters.id)


def many_categories(n: int, skus_per_category: int = 3, reviews: int = 0) -> list[int]:
    """``n`` categories, each with title links, image tiles and reviewed SKUs."""
    spu = Goods(name="Mixed", detail="Generated.")
    reviewer = models.User(username=f"r{n}", email=f"r{n}@example.com", password_hash="x")
    order = models.OrderInfo(order_no=f"bulk-{n}", user=reviewer)
    ids = []
    start = datetime(2026, 1, 1)
    for i in range(n):
        category = GoodsCategory(name=f"Category {i:03}", logo="veg")
        items = [sku(category, spu, f"Item {i}-{j}", f"{j + 1}.50",
                     created_at=start + timedelta(minutes=i * 10 + j))
                 for j in range(skus_per_category)]
        for j, item in enumerate(items):
            db.session.add(IndexCategoryGoodsBanner(category=category, sku=item,
                                                    display_type=j % 2, index=j))
            db.session.add(IndexGoodsBanner(sku=item, image="banners/x.jpg", index=j))
        for k in range(reviews):
            db.session.add(models.OrderGoods(order=order, sku=items[0], count=1, price=Decimal("1"),
                                      comment=f"Review {k}"))
        db.session.flush()
        ids.append(items[0].id)
    db.session.commit()
    catalogue_changed()
    return ids
