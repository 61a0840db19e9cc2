"""Images like a real shop's: a ladder of WebP and JPEG sizes made once when a picture is
saved, and pages that name them in srcset with the picture's own width and height."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image

from storefront.models import GoodsSKU
from storefront.services import images
from tests.admin.test_admin import reload, submit
from tests.conftest import sign_in
from tests.helpers import text
from tests.services.cart.test_cart_page import add


@pytest.fixture
def staff_client(client, staff):
    assert sign_in(client, "sam").status_code == 302
    return client


def picture(color: str, size: tuple[int, int], mode: str = "RGB", fmt: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, fmt)
    return out.getvalue()


def media(app, relative: str) -> Path:
    return Path(app.config["MEDIA_ROOT"], relative)


def webp_sources(page: str) -> list[str]:
    return re.findall(r'<source type="image/webp" srcset="([^"]+)"', page)


def test_a_replaced_picture_gets_a_new_ladder_and_the_page_shows_it(staff_client, app, shop):
    response = submit(staff_client, f"/admin/goodssku/edit/?id={shop.apples}", {},
                      files={"default_image": (picture("green", (900, 600)), "big.png")})
    assert response.status_code == 302
    first = reload(GoodsSKU, shop.apples).default_image
    stem = first.rsplit(".", 1)[0]
    for width in (160, 320, 640, 900):  # never wider than the original
        for ext in ("webp", "jpg"):
            step = Image.open(media(app, f"{stem}.{width}w.{ext}"))
            assert step.size == (width, round(600 * width / 900))
            assert step.convert("RGB").getpixel((5, 5)) == pytest.approx((0, 128, 0), abs=8)
    assert not media(app, f"{stem}.1280w.webp").exists()

    page = text(staff_client.get(f"/goods/{shop.apples}"))
    assert f"/media/{stem}.160w.webp 160w, " in webp_sources(page)[0]
    assert f'src="/media/{first}" srcset="/media/{stem}.160w.jpg 160w' in page
    assert 'width="900" height="600"' in page

    # staff replace it: a new ladder, from the new picture, and the page follows
    response = submit(staff_client, f"/admin/goodssku/edit/?id={shop.apples}", {},
                      files={"default_image": (picture("blue", (400, 400), fmt="JPEG"),
                                               "new.jpg")})
    assert response.status_code == 302
    second = reload(GoodsSKU, shop.apples).default_image
    new_stem = second.rsplit(".", 1)[0]
    assert new_stem != stem
    thumb = Image.open(media(app, f"{new_stem}.160w.webp")).convert("RGB")
    assert thumb.getpixel((5, 5)) == pytest.approx((0, 0, 255), abs=8)
    page = text(staff_client.get(f"/goods/{shop.apples}"))
    assert f"/media/{new_stem}.400w.webp 400w" in webp_sources(page)[0]
    assert stem not in page and 'width="400" height="400"' in page


def test_a_transparent_upload_stands_on_white_in_its_jpegs(app):
    path = media(app, "goods/clear.png")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(picture((0, 0, 0, 0), (400, 200), mode="RGBA"))
    assert images.make_ladder("goods/clear.png") == (160, 320, 400)
    jpeg = Image.open(media(app, "goods/clear.320w.jpg"))
    assert jpeg.size == (320, 160) and jpeg.getpixel((10, 10)) == pytest.approx(
        (255, 255, 255), abs=2)


def test_a_picture_without_a_ladder_still_shows_with_its_own_size(client, app, shop):
    sku = reload(GoodsSKU, shop.apples)
    path = media(app, sku.default_image)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(picture("red", (500, 250), fmt="JPEG"))  # saved before ladders existed
    page = text(client.get(f"/goods/{shop.apples_big}"))  # "new arrivals" show the apples
    tag = re.search(r'<img src="/media/goods/Fuji%20apples%20500g.jpg"[^>]*>', page)
    assert tag is not None
    assert 'width="500" height="250"' in tag[0] and "srcset" not in tag[0]


def test_a_missing_or_broken_picture_is_the_placeholder_at_the_slot_size(app):
    media(app, "goods/broken.jpg").parent.mkdir(parents=True, exist_ok=True)
    media(app, "goods/broken.jpg").write_bytes(b"not an image at all")
    with app.test_request_context():
        broken = images.image_set("goods/broken.jpg", (240, 130))
        none = images.image_set("", (240, 130))
    assert (broken.width, broken.height, broken.webp) == (240, 130, "")
    assert none.src.startswith("/static/img/placeholder.svg")


def img_tags(page: str, within: str) -> list[str]:
    """The <img> tags inside the first element whose class list starts with ``within``."""
    start = page.index(f'class="{within}')
    return re.findall(r"<img [^>]*>", page[start:])


def test_the_first_product_picture_comes_first_and_the_rest_wait(client, shop):
    for url in (f"/list/{shop.fruit}", "/search?q=apples"):
        tiles = img_tags(text(client.get(url)), "grid")
        assert len(tiles) >= 2, url
        assert 'fetchpriority="high"' in tiles[0] and 'loading="lazy"' not in tiles[0], url
        assert all('loading="lazy"' in tag and "fetchpriority" not in tag
                   for tag in tiles[1:]), url
    detail = text(client.get(f"/goods/{shop.apples}"))
    main = re.search(r"<img [^>]*data-gallery-main[^>]*>", detail)
    assert main is not None and 'fetchpriority="high"' in main[0]
    assert detail.count('fetchpriority="high"') == 1  # the thumbnails and side cards wait


def test_the_cart_thumbnail_is_the_ladder_step_for_its_slot(client, app, shop):
    sku = reload(GoodsSKU, shop.apples)
    path = media(app, sku.default_image)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(picture("red", (800, 800), fmt="JPEG"))
    images.make_ladder(sku.default_image)
    add(client, shop.apples, 1)
    cart = text(client.get("/cart"))
    thumb = img_tags(cart, "cart-pic")[0]
    # 72 CSS px: the browser picks the 160 or 320 px step, never the 800 px original
    assert 'sizes="72px"' in thumb and ".160w.jpg 160w" in thumb
    assert 'alt=""' in thumb  # the name beside it says what it is


@pytest.mark.parametrize(("slot", "steps"), [
    (None, (160, 320, 640, 1280)),  # no slot said: every step
    ((64, 64), (160,)),  # a 64 px thumbnail: 160 fills it even at 2x
    ((240, 240), (320, 640)),  # 240 px: 320 at 1x, 640 at 2x (480)
    ((160, 360), (160, 320, 640, 1280)),  # a tile: 160 on a small phone, 720 px at 2x
    ((280, 960), (320, 640, 1280)),  # the carousel: never 160 px wide
])
def test_a_slot_lists_only_the_steps_a_browser_can_pick_there(slot, steps):
    assert images.steps_for((160, 320, 640, 1280), slot) == steps
    assert images.steps_for((160, 320, 500), (600, 900)) == (500,)  # the original is the top
