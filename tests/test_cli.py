"""The developer's commands: seed-demo, create-admin, demo-staff and set-password."""

import re
from pathlib import Path

from sqlalchemy import func, select

from storefront import models
from storefront.extensions import db
from storefront.models import GoodsCategory, GoodsSKU, User
from storefront.services.accounts import users as accounts
from tests.conftest import PASSWORD, sign_in

MODELS = (GoodsCategory, GoodsSKU, models.IndexGoodsBanner, models.IndexPromotionBanner,
          models.IndexCategoryGoodsBanner, models.OrderGoods, User)


def counts():
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in MODELS}


def test_seed_demo_builds_a_shop_and_is_idempotent(runner, app, client):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    first = counts()
    assert first["GoodsCategory"] >= 6 and first["IndexGoodsBanner"] >= 3
    assert first["IndexPromotionBanner"] >= 2 and first["OrderGoods"] >= 1
    images = sorted(p for p in Path(app.config["MEDIA_ROOT"]).rglob("*") if p.is_file())
    assert images, "the seeder wrote no images"
    mtimes = [p.stat().st_mtime_ns for p in images]

    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert counts() == first
    assert [p.stat().st_mtime_ns for p in images] == mtimes

    page = client.get("/").get_data(as_text=True)
    assert page.count('href="/goods/') >= 6
    sku = db.session.scalar(select(GoodsSKU).where(GoodsSKU.on_sale))
    assert client.get(f"/goods/{sku.id}").status_code == 200
    assert client.get(f"/media/{sku.default_image}").status_code == 200


def test_seed_demo_big_catalogue(runner, app):
    result = runner.invoke(args=["seed-demo", "--categories", "8", "--skus-per-category", "5"])
    assert result.exit_code == 0, result.output
    assert counts()["GoodsCategory"] == 8 and counts()["GoodsSKU"] == 40
    again = runner.invoke(args=["seed-demo", "--categories", "8", "--skus-per-category", "5"])
    assert again.exit_code == 0 and counts()["GoodsSKU"] == 40


def test_create_admin_makes_a_staff_account(runner, app):
    result = runner.invoke(args=["create-admin", "--username", "boss", "--email",
                                 "boss@example.com", "--password", "long-enough-pw"])
    assert result.exit_code == 0, result.output
    boss = db.session.scalar(select(User).filter_by(username="boss"))
    assert boss.is_staff and accounts.authenticate("boss", "long-enough-pw") is not None


def test_create_admin_refuses_duplicates_and_short_passwords(runner, app, staff):
    taken = runner.invoke(args=["create-admin", "--username", "sam", "--email",
                                "x@example.com", "--password", "long-enough-pw"])
    assert taken.exit_code != 0 and "already registered" in taken.output
    short = runner.invoke(args=["create-admin", "--username", "kim", "--email",
                                "kim@example.com", "--password", "short"])
    assert short.exit_code != 0
    assert counts()["User"] == 1


def test_demo_staff_is_made_once_with_a_password_shown_once(runner, app, client):
    made = runner.invoke(args=["demo-staff"])
    assert made.exit_code == 0, made.output
    password = re.search(r"password '([^']+)'", made.output).group(1)
    assert len(password) >= 16 and "username 'staff'" in made.output
    assert sign_in(client, "staff", password).status_code == 302
    assert client.get("/admin/").status_code == 200  # staff: the admin opens

    again = runner.invoke(args=["demo-staff"])
    assert again.exit_code == 0 and password not in again.output
    assert "exists" in again.output and "set-password --username staff" in again.output
    assert counts()["User"] == 1
    fresh = runner.invoke(args=["set-password", "--username", "STAFF",
                                "--password", "a new staff secret"])
    assert fresh.exit_code == 0, fresh.output
    assert client.get("/admin/").status_code == 302  # that session ended with the change
    assert sign_in(client, "staff", "a new staff secret").status_code == 302


def test_set_password_keeps_the_sign_up_rules(runner, app, staff):
    short = runner.invoke(args=["set-password", "--username", "sam", "--password", "short"])
    assert short.exit_code != 0 and "--password" in short.output
    nobody = runner.invoke(args=["set-password", "--username", "nobody",
                                 "--password", "long-enough-pw"])
    assert nobody.exit_code != 0 and "no account" in nobody.output
    assert accounts.authenticate("sam", PASSWORD) is not None
