"""Search in both languages (issue 20): products carry an English and a Chinese name, and
staff keep synonym groups, so a shopper who types 牛奶 or "shrimp" finds the milk and the
prawns. Through /search, as a shopper asks."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from storefront.extensions import db
from storefront.models import Goods, GoodsCategory, GoodsSKU, SearchSynonym
from storefront.services.search import synonyms
from tests import factories
from tests.admin.test_admin import submit
from tests.conftest import sign_in

TILE_NAME = re.compile(r'class="tile-name">([^<]+)<')


def names(client: FlaskClient, query: str) -> list[str]:
    """The product names a shopper sees for ``query``, in the order shown."""
    response = client.get("/search", query_string={"q": query})
    assert response.status_code == 200
    return TILE_NAME.findall(response.get_data(as_text=True))


@pytest.fixture
def dairy_and_seafood(app) -> None:
    dairy = GoodsCategory(name="Dairy", logo="eggs")
    sea = GoodsCategory(name="Seafood", logo="seafood")
    milk = Goods(name="Whole milk", name_zh="全脂牛奶", detail="From one herd.")
    prawns = Goods(name="Tiger prawns", name_zh="老虎虾", detail="Raw, whole.")
    butter = Goods(name="Farmhouse butter", detail="Churned from cream.")
    factories.sku(dairy, milk, "Whole milk 1L", "8.50")
    factories.sku(sea, prawns, "Tiger prawns 300g", "45.00")
    factories.sku(dairy, butter, "Farmhouse butter 250g", "12.00")
    db.session.commit()


def test_a_product_is_found_by_its_chinese_name(client, dairy_and_seafood):
    assert names(client, "牛奶") == ["Whole milk 1L"]
    assert names(client, "全脂牛奶") == ["Whole milk 1L"]
    assert names(client, "milk") == ["Whole milk 1L"]  # and still by its English one


def test_a_synonym_staff_add_finds_its_group_at_once(client, dairy_and_seafood):
    assert names(client, "shrimp") == [] and names(client, "鲜奶") == []
    db.session.add_all([SearchSynonym(words="prawn, shrimp，虾"),
                        SearchSynonym(words="milk、牛奶、鲜奶")])
    db.session.commit()
    assert names(client, "shrimp") == ["Tiger prawns 300g"]
    assert names(client, "虾") == ["Tiger prawns 300g"]
    assert names(client, "鲜奶") == ["Whole milk 1L"]
    assert names(client, "shrimps 300g") == ["Tiger prawns 300g"]  # every word still counts
    assert names(client, "shrimp butter") == []


def test_synonym_groups_are_read_as_shoppers_type(app):
    db.session.add_all([SearchSynonym(words=" Prawn ,SHRIMP,, 虾 "), SearchSynonym(words="alone")])
    db.session.commit()
    known = synonyms.groups()
    assert known == [["prawn", "shrimp", "虾"]]  # a one-word "group" widens nothing
    assert synonyms.alternatives("prawns", known) == ["prawns", "shrimp", "虾"]
    assert synonyms.alternatives("crab", known) == ["crab"]


def test_the_demo_catalogue_is_found_in_chinese_and_by_synonyms(client, runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    unnamed = db.session.scalars(select(Goods.name).where(Goods.name_zh.is_(None))).all()
    assert unnamed == []  # every demo product has its Chinese name
    expected = {"牛奶": "Whole milk", "草莓": "Sweetheart strawberries", "鸡蛋": "Free-range eggs",
                "三文鱼": "Scottish salmon", "shrimp": "Wild tiger prawns", "鲜奶": "Whole milk",
                "虾": "Wild tiger prawns", "salmon": "Scottish salmon"}
    for query, product in expected.items():
        shown = names(client, query)
        ours = [name.startswith(product) for name in shown]
        # the product first, with all its sizes; then, maybe, what only mentions it
        # (the ice cream's detail says it is made with eggs)
        assert ours and ours[0] and ours == sorted(ours, reverse=True), (query, shown)
        assert ours.count(True) == db.session.scalar(select(func.count()).where(
            GoodsSKU.name.startswith(product), GoodsSKU.is_on_sale)), (query, shown)


def test_staff_name_a_product_in_chinese_and_add_synonyms_in_the_admin(client, staff,
                                                                       dairy_and_seafood):
    butter = db.session.scalar(select(Goods.id).where(Goods.name == "Farmhouse butter"))
    assert sign_in(client, "sam").status_code == 302
    assert submit(client, f"/admin/goods/edit/?id={butter}",
                  {"name_zh": "农家黄油"}).status_code == 302
    assert submit(client, "/admin/searchsynonym/new/",
                  {"words": "butter, 黄油, 牛油"}).status_code == 302
    assert names(client, "黄油") == ["Farmhouse butter 250g"]  # by its new Chinese name
    assert names(client, "牛油") == ["Farmhouse butter 250g"]  # and by the new synonym
    listing = client.get("/admin/goods/").get_data(as_text=True)
    assert "Name (Chinese)" in listing and "农家黄油" in listing
