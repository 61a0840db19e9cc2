"""The homepage shows the curated catalogue, on-sale SKUs only, in the staff's order."""

from tests.conftest import sign_in
from tests.helpers import header_cart_count, order_of, shown, text


def test_homepage_shows_categories_slides_promotions_and_rows(client, shop):
    page = text(client.get("/"))

    # categories in the nav, promotions and slides by their index
    assert "Fresh fruit" in page and "Seafood" in page
    fruit_promo, sea_promo = order_of(page, "Fruit festival", "Seafood week")
    assert fruit_promo < sea_promo
    apples_slide, prawns_slide = order_of(page, "banners/apples.jpg", "banners/prawns.jpg")
    assert apples_slide < prawns_slide
    # tiles carry name, price and a link to the detail page
    assert "Fuji apples 500g" in page and "9.90" in page
    assert f'href="/goods/{shop.apples}"' in page
    assert "Fuji apples 2kg" in page  # a title link
    assert f'href="/list/{shop.fruit}"' in page  # "View more"


def test_homepage_hides_off_sale_skus(client, shop):
    page = text(client.get("/"))
    assert "Fuji apples crate" not in page and "banners/crate.jpg" not in page
    assert "Oysters" not in page


def test_index_alias_is_the_homepage(client, shop):
    assert text(client.get("/index")) == text(client.get("/"))


def test_anonymous_header_offers_login_and_register(client, shop):
    response = client.get("/")
    page = shown(response)
    assert "Sign in" in page and "Create account" in page and "Welcome" not in page
    assert header_cart_count(response) == 0


def test_signed_in_header_welcomes_the_user_with_a_post_logout(client, shop, user):
    sign_in(client)
    page = text(client.get("/"))
    assert "Welcome" in page and "alice" in page
    assert 'action="/users/logout"' in page and 'method="post"' in page.lower()


def test_empty_shop_still_renders(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Storefront" in text(response)
