"""`flask db upgrade` builds the schema the models describe, on SQLite and MariaDB."""

from decimal import Decimal

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select, text

from storefront import create_app
from storefront.extensions import db
from storefront.identity import canonical
from storefront.models import Goods, GoodsCategory, GoodsSKU, User


def test_upgrade_builds_every_table_and_matches_the_models(app_config):
    app = create_app(app_config)
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
        assert set(db.metadata.tables) <= tables
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert diff == []
        db.engine.dispose()


def test_chinese_and_emoji_names_survive_a_round_trip(app):
    name = "赣南脐橙 Navel oranges 🍊"
    category = GoodsCategory(name="水果 🍎", logo="fruit")
    db.session.add(GoodsSKU(category=category, goods=Goods(name=name, detail="甜"), name=name,
                            price=Decimal("19.90"), unit="5斤"))
    db.session.commit()
    db.session.expunge_all()
    stored = db.session.scalar(select(GoodsSKU))
    assert stored.name == name and stored.category.name == "水果 🍎"
    assert stored.price == Decimal("19.90")


def test_upgrade_gives_existing_accounts_their_canonical_identity(app_config):
    """Accounts made before the canonical columns get them, and sign in under any spelling."""
    app = create_app(app_config)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", "d37188bd69cb"]).exit_code == 0
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO users (username, email, password_hash, is_active, is_staff, "
                "created_at, updated_at) VALUES ('Alice', 'Alice@Example.com ', 'x', 1, 0, "
                "'2026-01-01', '2026-01-01')"))
        db.engine.dispose()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User))
        assert (user.username_canonical, user.email_canonical) == ("alice", "alice@example.com")
        assert user.session_version == 0
        assert db.session.scalar(select(User.id).where(
            User.username_canonical == canonical("ＡＬＩＣＥ "))) == user.id
        db.session.remove()
        db.engine.dispose()
