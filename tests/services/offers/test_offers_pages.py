"""Every page a shopper sees asks the one price rule: tiles, the product page, list pages and
their price sorts, search, the cart, and the page a promotion banner leads to."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from storefront.extensions import db
from storefront.models import GoodsSKU, IndexPromotionBanner, Offer
from storefront.services.offers import manage
from tests.helpers import order_of, text
from tests.services.cart.test_cart_page import add as add_to_cart

NOW = datetime.now(UTC).replace(microsecond=0)


def offer(name: str, starts: datetime | None = None, ends: datetime | None = None,
          **kind) -> int:
    """An offer made as staff make it (the CLI's path: checked, recorded, committed)."""
    made = manage.create(name, starts=(starts or NOW - timedelta(hours=1)).isoformat(),
                         ends=(ends or NOW + timedelta(days=3)).isoformat(), **kind)
    return made.id


def unit_quantity(sku_id: int, quantity: str, measure: str) -> None:
    sku = db.session.get(GoodsSKU, sku_id)
    sku.unit_quantity, sku.unit_measure = Decimal(quantity), measure
    db.session.commit()


def shelf(html: str, name: str) -> str:
    """The tile (or card) that names ``name``."""
    match = re.search(r'<article class="tile">(?:(?!</article>).)*?' + re.escape(name)
                      + r'.*?</article>', html, re.S)
    assert match, f"no tile for {name}"
    return match.group(0)


def test_a_running_offer_shows_was_now_badge_end_and_unit_price_everywhere(client, shop):
    unit_quantity(shop.apples, "500", "g")
    offer("Fruit festival", percent=30, category_id=shop.fruit,
          ends=NOW + timedelta(days=2, hours=1))
    home = text(client.get("/"))
    tile = shelf(home, "Fuji apples 500g")
    assert "6.93" in tile and "was </span>$9.90" in tile and "30% off" in tile
    assert "$13.86/kg" in tile  # the unit price of the offer price
    assert "Ends " in tile
    page = text(client.get(f"/goods/{shop.apples}"))
    assert "Offer price" in page and "6.93" in page and "$9.90" in page
    assert "30% off" in page and "$13.86/kg" in page
    listing = text(client.get(f"/list/{shop.fruit}"))
    assert "6.93" in shelf(listing, "Fuji apples 500g")
    # seafood is not in the offer: its tile is as before
    prawns = shelf(text(client.get(f"/list/{shop.seafood}")), "Tiger prawns")
    assert "45.00" in prawns and "was" not in prawns and "offer-badge" not in prawns


def grid(client, path: str) -> str:
    """The list's grid of tiles (not the "New arrivals" column beside it)."""
    return text(client.get(path)).split('<div class="grid grid-4">', 1)[1]


def test_list_pages_sort_by_the_price_shoppers_pay(client, shop):
    small, big = order_of(grid(client, f"/list/{shop.fruit}?sort=price"),
                          "Fuji apples 500g", "Fuji apples 2kg")
    assert small < big  # 9.90 before 29.00
    offer("Big bag deal", fixed_price="5.00", sku_ids=(shop.apples_big,))
    small, big = order_of(grid(client, f"/list/{shop.fruit}?sort=price"),
                          "Fuji apples 500g", "Fuji apples 2kg")
    assert big < small  # now 5.00 before 9.90
    small, big = order_of(grid(client, f"/list/{shop.fruit}?sort=price-desc"),
                          "Fuji apples 500g", "Fuji apples 2kg")
    assert small < big


def test_search_results_show_the_offer_price(client, shop):
    offer("Prawn week", fixed_price="39.00", sku_ids=(shop.prawns,))
    page = text(client.get("/search?q=prawns"))
    assert "39.00" in shelf(page, "Tiger prawns") and "$45.00" in page


def test_three_for_two_in_the_cart_shows_the_saving(client, shop):
    offer("Apples 3 for 2", multibuy="3for2", sku_ids=(shop.apples,))
    tile = shelf(text(client.get(f"/list/{shop.fruit}")), "Fuji apples 500g")
    assert "3 for 2" in tile and "9.90" in tile and "was" not in tile  # one bag: full price
    add_to_cart(client, shop.apples, 3)
    add_to_cart(client, shop.prawns, 1)
    cart = text(client.get("/cart"))
    assert "3 for 2: you save $9.90" in cart
    assert re.search(r'id="cart-total">.*?64\.80', cart, re.S)  # 2 × 9.90 + 45.00
    assert "Offers save you $9.90" in cart


def test_a_promotion_banner_leads_to_what_its_offer_covers(client, shop):
    banner = db.session.query(IndexPromotionBanner).filter_by(name="Fruit festival").one()
    offer_id = offer("Fruit festival", percent=30, category_id=shop.fruit,
                     promotion_id=banner.id)
    assert f'href="/offers/{offer_id}"' in text(client.get("/"))
    page = client.get(f"/offers/{offer_id}")
    assert page.status_code == 200
    html = text(page)
    assert "Fruit festival" in html and "30% off" in html
    assert "Fuji apples 500g" in html and "Fuji apples 2kg" in html and "Tiger prawns" not in html
    assert "Fuji apples crate" not in html  # off sale
    for bad in ("999999", "0", "-1", "abc", "1e3", "9" * 40):
        assert client.get(f"/offers/{bad}").status_code == 404


def test_staff_ending_an_offer_brings_every_cached_page_back_to_normal(client, shop):
    offer_id = offer("Fruit festival", percent=30, category_id=shop.fruit)
    paths = ("/", f"/goods/{shop.apples}", f"/list/{shop.fruit}")
    for path in paths:
        assert "6.93" in text(client.get(path)), path
    manage.end(offer_id)
    for path in paths:
        html = text(client.get(path))
        assert "6.93" not in html and "9.90" in html, path


def test_staff_moving_an_offers_start_moves_the_page(client, shop):
    offer_id = offer("Later", percent=30, category_id=shop.fruit,
                     starts=NOW + timedelta(days=1))
    assert "6.93" not in text(client.get(f"/goods/{shop.apples}"))
    moved = db.session.get(Offer, offer_id)
    manage.record(db.session, moved)
    moved.starts_at = NOW - timedelta(minutes=1)
    db.session.commit()
    assert "6.93" in text(client.get(f"/goods/{shop.apples}"))


def test_a_cached_page_is_not_served_past_its_price_boundary(client, shop):
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=6)
    offer("Flash sale", percent=30, category_id=shop.fruit, starts=starts)
    assert "6.93" not in text(client.get(f"/goods/{shop.apples}"))  # cached before the start
    assert datetime.now(UTC) < starts, "the machine was too slow to see the page before"
    deadline = time.monotonic() + 10
    while datetime.now(UTC) < starts and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "6.93" in text(client.get(f"/goods/{shop.apples}"))


def shared_seconds(reply) -> int | None:
    """How long a shared cache (a CDN) may keep the reply; None: not at all."""
    match = re.fullmatch(r"public, max-age=0, s-maxage=(\d+)", reply.headers["Cache-Control"])
    if match is None:
        assert reply.headers["Cache-Control"] == "private, no-cache"
        return None
    return int(match.group(1))


def test_a_shared_cache_may_not_keep_a_page_past_its_price_boundary(client, shop):
    path = f"/goods/{shop.apples}"
    assert shared_seconds(client.get(path)) == 60  # no offer near: a CDN keeps it a minute
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=6)
    ends = starts + timedelta(seconds=30)
    offer("Flash sale", percent=30, category_id=shop.fruit, starts=starts, ends=ends)
    asked = time.time()
    reply = client.get(path)
    answered = time.time()
    assert "6.93" not in text(reply)
    # until the start at most, however long the page is kept in the app's cache
    assert int(starts.timestamp() - answered) <= shared_seconds(reply) <= \
        starts.timestamp() - asked
    while time.time() < starts.timestamp() - 0.95:
        time.sleep(0.05)
    reply = client.get(path)
    assert datetime.now(UTC) < starts, "the machine was too slow to ask in the last second"
    assert "6.93" not in text(reply) and shared_seconds(reply) is None  # not at all now
    while datetime.now(UTC) < starts:
        time.sleep(0.05)
    reply = client.get(path)
    assert "6.93" in text(reply) and shared_seconds(reply) <= 30  # until the end at most


def test_the_demo_runs_its_promotions_as_offers_and_one_starts_by_itself(runner, client):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "offers" in result.output
    home = text(client.get("/"))
    for name in ("Fruit festival", "Seafood Friday", "Weekend barbecue", "Freezer favourites"):
        banner = db.session.query(IndexPromotionBanner).filter_by(name=name).one()
        assert banner.url.startswith("/offers/"), name
        covered = text(client.get(banner.url))
        assert "offer-badge" in covered, name
    assert "30% off" in home and "was </span>$9.90" in home  # the apples' tile
    starting = db.session.query(Offer).filter_by(name="Breakfast hour").one()
    assert timedelta(0) < starting.starts_at - datetime.now(UTC) <= timedelta(minutes=1)
    # every demo SKU knows what it holds
    assert db.session.query(GoodsSKU).filter(GoodsSKU.unit_quantity.is_(None)).count() == 0
    assert runner.invoke(args=["seed-demo"]).output.strip().endswith("nothing changed).")



def test_the_demo_runs_its_offers_again_once_they_have_all_ended(runner, client):
    """A week after the first `make run`, the next one still shows running offers."""
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    for old in db.session.query(Offer):  # as staff would move them: their pages follow
        manage.record(db.session, old)
        old.starts_at, old.ends_at = NOW - timedelta(days=9), NOW - timedelta(days=2)
    db.session.commit()
    assert "was </span>$9.90" not in text(client.get("/"))
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0 and "7 offers" in result.output, result.output
    assert "30% off" in text(client.get("/")) and "was </span>$9.90" in text(client.get("/"))
    starting = db.session.query(Offer).filter_by(name="Breakfast hour").order_by(
        Offer.id.desc()).first()
    assert timedelta(0) < starting.starts_at - datetime.now(UTC) <= timedelta(minutes=1)
