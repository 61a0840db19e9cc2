"""The checkout migration keeps the seed's orders and reviews working (SQLite and MariaDB)."""

from decimal import Decimal

from sqlalchemy import select, text

from storefront import create_app
from storefront.extensions import db
from storefront.models import OrderGoods, OrderInfo
from storefront.services import catalog

BEFORE_CHECKOUT = "5b2c9e7a1f04"
SEED_ROWS = [
    "INSERT INTO goods_category (id, name, logo, image, created_at, updated_at) VALUES "
    "(1, 'Fruit', 'fruit', '', '2026-01-01', '2026-01-01')",
    "INSERT INTO goods (id, name, detail, created_at, updated_at) VALUES "
    "(1, 'Apples', '', '2026-01-01', '2026-01-01')",
    "INSERT INTO goods_sku (id, category_id, goods_id, name, title, price, unit, stock, sales, "
    "default_image, is_on_sale, created_at, updated_at) VALUES (1, 1, 1, 'Fuji apples', '', "
    "9.90, '500g', 5, 0, '', 1, '2026-01-01', '2026-01-01')",
    "INSERT INTO users (id, username, email, username_canonical, email_canonical, "
    "password_hash, is_active, is_staff, session_version, created_at, updated_at) VALUES "
    "(1, 'bob', 'bob@example.com', 'bob', 'bob@example.com', 'x', 1, 0, 0, '2026-01-01', "
    "'2026-01-01')",
    "INSERT INTO order_info (id, order_no, user_id, status, created_at, updated_at) VALUES "
    "(1, '20260101-0001', 1, 5, '2026-01-02', '2026-01-02')",
    "INSERT INTO order_goods (order_id, sku_id, count, price, comment, created_at, updated_at) "
    "VALUES (1, 1, 2, 9.90, 'Sweet and crunchy!', '2026-01-03', '2026-01-03'), "
    "(1, 1, 1, 9.90, '', '2026-01-03', '2026-01-03')",
]


def test_seed_orders_become_delivered_orders_with_their_reviews(app_config):
    """Given the seed's completed order with a review, when the shop upgrades, then the order
    is delivered with its totals, its lines name what was bought, and the review still shows
    on the product page."""
    app = create_app(app_config)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", BEFORE_CHECKOUT]).exit_code == 0
    with app.app_context():
        with db.engine.begin() as conn:
            for statement in SEED_ROWS:
                conn.execute(text(statement))
        db.engine.dispose()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context(), app.test_request_context():
        order = db.session.scalar(select(OrderInfo))
        assert order.status == OrderInfo.DELIVERED
        assert order.subtotal == order.total == Decimal("29.70")
        lines = db.session.scalars(select(OrderGoods).order_by(OrderGoods.id)).all()
        assert [(line.name, line.unit) for line in lines] == [("Fuji apples", "500g")] * 2
        assert lines[1].reviewed_at is None
        reviews = catalog.get_sku_detail(1)["reviews"]
        assert [(r["username"], r["comment"]) for r in reviews] == [("bob", "Sweet and crunchy!")]
        db.session.remove()
        db.engine.dispose()
