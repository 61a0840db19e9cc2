"""The static homepage: the anonymous homepage, written whole, fresh after staff edits."""

from __future__ import annotations

import gzip
import stat
from decimal import Decimal
from pathlib import Path

from storefront.extensions import db
from storefront.models import GoodsSKU
from tests.conftest import sign_in
from tests.helpers import shown, text


def static_index(app) -> Path:
    return Path(app.config["STATIC_PAGES_DIR"]) / "index.html"


def test_render_index_writes_the_anonymous_homepage(runner, app, client, shop, user):
    sign_in(client)
    client.get("/")  # a signed-in visit warms the cache first: none of it may leak
    result = runner.invoke(args=["render-index"])
    assert result.exit_code == 0, result.output

    page = static_index(app).read_text()
    assert "Fuji apples 500g" in page and "9.90" in page and "Seafood week" in page
    assert "Sign in" in page and "Create account" in page
    assert "alice" not in page and "Welcome" not in shown(page)
    assert "csrf" not in shown(page).lower()  # the sign-out form's is inert: a <template>
    assert stat.S_IMODE(static_index(app).stat().st_mode) == 0o644
    twin = static_index(app).with_name("index.html.gz")
    assert gzip.decompress(twin.read_bytes()).decode() == page
    assert not [p for p in static_index(app).parent.iterdir() if p.name.endswith(".tmp")]


def test_static_page_matches_the_live_anonymous_page(runner, app, client, shop):
    runner.invoke(args=["render-index"])
    live = text(client.get("/"))
    static = static_index(app).read_text()
    for sku in ("Fuji apples 500g", "Fuji apples 2kg", "Tiger prawns"):
        assert (sku in live) == (sku in static) is True
    assert "Fuji apples crate" not in static


def test_a_staff_edit_re_renders_the_static_page_after_the_commit(runner, app, shop):
    runner.invoke(args=["render-index"])
    sku = db.session.get(GoodsSKU, shop.apples)
    sku.price = Decimal("7.25")
    assert "9.90" in static_index(app).read_text()  # changed, not yet committed
    db.session.commit()
    assert "7.25" in static_index(app).read_text()


def test_an_edit_rolled_back_renders_nothing(app, shop):
    sku = db.session.get(GoodsSKU, shop.apples)
    sku.price = Decimal("7.25")
    db.session.rollback()
    db.session.commit()
    assert not static_index(app).exists()


def test_product_text_is_escaped_in_the_static_page(runner, app, shop):
    sku = db.session.get(GoodsSKU, shop.apples)
    sku.name = "<script>alert(1)</script>"
    db.session.commit()
    runner.invoke(args=["render-index"])
    page = static_index(app).read_text()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
