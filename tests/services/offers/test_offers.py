"""Offers as staff make them (`flask offers`) and the prices shoppers then pay
(services/offers/prices.py), on both backends."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from storefront.extensions import db
from storefront.models import GoodsSKU, Offer
from storefront.services import offers
from tests.conftest import count_queries

NOW = datetime.now(UTC).replace(microsecond=0)


def iso(moment: datetime) -> str:
    return moment.isoformat()


def add(runner, *args: str, starts: datetime | None = None, ends: datetime | None = None):
    starts = starts or NOW - timedelta(hours=1)
    ends = ends or NOW + timedelta(days=2)
    return runner.invoke(args=["offers", "add", *args, "--starts", iso(starts),
                               "--ends", iso(ends)])


def sku(sku_id: int) -> GoodsSKU:
    return db.session.get(GoodsSKU, sku_id)


def test_a_percent_offer_on_a_category_prices_every_sku_in_it_while_it_runs(runner, shop):
    result = add(runner, "--name", "Fruit festival", "--percent", "30", "--category",
                 str(shop.fruit), starts=NOW + timedelta(hours=1), ends=NOW + timedelta(days=1))
    assert result.exit_code == 0, result.output
    offer_id = int(result.output.strip())
    apples, prawns = sku(shop.apples), sku(shop.prawns)
    assert offers.price_of(apples, at=NOW) == Decimal("9.90")  # not started yet
    during = NOW + timedelta(hours=2)
    assert offers.price_of(apples, at=during) == Decimal("6.93")
    assert offers.price_of(sku(shop.apples_big), at=during) == Decimal("20.30")
    assert offers.price_of(prawns, at=during) == Decimal("45.00")  # another category
    assert offers.price_of(apples, at=NOW + timedelta(days=1)) == Decimal("9.90")  # ended

    listed = runner.invoke(args=["offers", "list"])
    assert f"{offer_id}\tFruit festival\t30% off\tcategory {shop.fruit} (Fresh fruit)" \
        in listed.output
    assert "upcoming" in listed.output


def test_ending_an_offer_brings_the_normal_price_back(runner, shop):
    offer_id = int(add(runner, "--name", "Prawn deal", "--fixed-price", "39.00", "--sku",
                       str(shop.prawns)).output)
    assert offers.price_of(sku(shop.prawns)) == Decimal("39.00")
    result = runner.invoke(args=["offers", "end", str(offer_id)])
    assert result.exit_code == 0 and "ended" in result.output
    db.session.expire_all()
    assert offers.price_of(sku(shop.prawns)) == Decimal("45.00")
    again = runner.invoke(args=["offers", "end", str(offer_id)])
    assert again.exit_code == 1 and "already ended" in again.output


def test_three_for_two_on_a_product_in_a_cart(runner, shop):
    assert add(runner, "--name", "Apple bags", "--multibuy", "3for2", "--goods",
               str(db.session.get(GoodsSKU, shop.apples).goods_id)).exit_code == 0
    apples, big, prawns = sku(shop.apples), sku(shop.apples_big), sku(shop.prawns)
    with count_queries() as statements:
        lines = offers.price_lines([(apples, 3), (big, 2), (prawns, 1)])
    assert len(statements) == 1  # one query for the whole cart
    assert (lines[apples.id].total, lines[apples.id].saving) == (Decimal("19.80"),
                                                                 Decimal("9.90"))
    assert lines[big.id].offer is None and lines[big.id].total == Decimal("58.00")
    assert lines[prawns.id].total == Decimal("45.00")
    # one apple bag alone shows its normal price, with the multibuy as a badge
    quote = offers.quotes([apples]).by_sku[apples.id]
    assert quote.unit.total == Decimal("9.90") and quote.multibuy.badge == "3 for 2"


def test_the_better_of_two_offers_wins_and_the_boundary_is_the_earliest_change(runner, shop):
    soon = NOW + timedelta(minutes=5)
    add(runner, "--name", "Fruit week", "--percent", "10", "--category", str(shop.fruit),
        ends=NOW + timedelta(days=3))
    add(runner, "--name", "Apple crunch", "--fixed-price", "7.50", "--sku", str(shop.apples),
        ends=soon)
    add(runner, "--name", "Later", "--percent", "50", "--sku", str(shop.apples_big),
        starts=NOW + timedelta(hours=1), ends=NOW + timedelta(hours=2))
    found = offers.quotes([sku(shop.apples), sku(shop.apples_big)], at=NOW)
    assert found.by_sku[shop.apples].unit.total == Decimal("7.50")
    assert found.by_sku[shop.apples].unit.offer.name == "Apple crunch"
    assert found.by_sku[shop.apples_big].unit.total == Decimal("26.10")
    assert found.boundary == soon
    after = offers.quotes([sku(shop.apples)], at=soon)
    assert after.by_sku[shop.apples].unit.total == Decimal("8.91")  # the 10 % again


def test_times_without_a_zone_are_the_shops(app, runner, shop):
    app.config["SHOP_TIMEZONE"] = "Australia/Sydney"
    result = runner.invoke(args=["offers", "add", "--name", "Sydney", "--percent", "5",
                                 "--sku", str(shop.apples), "--starts", "2026-12-05T00:00",
                                 "--ends", "2026-12-07T23:59"])
    assert result.exit_code == 0, result.output
    offer = db.session.get(Offer, int(result.output))
    assert offer.starts_at == datetime(2026, 12, 4, 13, 0, tzinfo=UTC)  # AEDT is UTC+11
    assert "2026-12-05 00:00 AEDT" in runner.invoke(args=["offers", "list"]).output


@pytest.mark.parametrize(("args", "message"), [
    (["--percent", "30", "--category", "{fruit}", "--starts", "2026-12-07T00:00",
      "--ends", "2026-12-05T00:00"], "ends before it starts"),
    (["--percent", "0", "--category", "{fruit}"], "from 1 to 90"),
    (["--percent", "91", "--category", "{fruit}"], "from 1 to 90"),
    (["--percent", "30"], "choose what the offer covers"),
    (["--percent", "30", "--category", "{fruit}", "--sku", "{apples}"],
     "choose what the offer covers"),
    (["--fixed-price", "10.00", "--category", "{fruit}"],
     "not below the normal price of Fuji apples 500g ($9.90)"),
    (["--fixed-price", "12", "--sku", "{apples}"],
     "the fixed price $12.00 is not below the normal price of Fuji apples 500g ($9.90)"),
    (["--fixed-price", "abc", "--sku", "{apples}"], "is not a price"),
    (["--multibuy", "3for3", "--sku", "{apples}"], "gives nothing away"),
    (["--multibuy", "three for two", "--sku", "{apples}"], "like 3for2 or 2for5.00"),
    (["--percent", "10", "--fixed-price", "1.00", "--sku", "{apples}"], "choose one kind"),
    (["--percent", "10", "--category", "999999"], "there is no category 999999"),
    (["--percent", "10", "--sku", "999999"], "there is no SKU 999999"),
    (["--percent", "10", "--sku", "{apples}", "--starts", "next friday", "--ends",
      "2026-12-07T00:00"],
     "not an ISO date and time"),
])
def test_bad_offers_are_refused_with_a_clear_message_and_change_nothing(runner, shop, args,
                                                                        message):
    args = [a.format(fruit=shop.fruit, apples=shop.apples) for a in args]
    times = [] if "--starts" in args else ["--starts", iso(NOW), "--ends",
                                           iso(NOW + timedelta(days=1))]
    result = runner.invoke(args=["offers", "add", "--name", "Bad", *args, *times])
    assert result.exit_code == 1, result.output
    assert message in result.output and "Traceback" not in result.output
    assert db.session.scalar(select(func.count()).select_from(Offer)) == 0
