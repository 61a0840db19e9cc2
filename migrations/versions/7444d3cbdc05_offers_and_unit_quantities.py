"""offers and unit quantities

Revision ID: 7444d3cbdc05
Revises: 7c1e4a9d2b60
Create Date: 2026-12-04 18:22:40.216819

Adds ``offer`` (a kind with its numbers, a target, a window stored as naive UTC, an optional
promotion banner) with ``offer_sku`` for offers on chosen SKUs, and each SKU's unit quantity
(``unit_quantity`` + ``unit_measure``: 500 g, 6 each, 1 l) for unit prices. Both SKU columns
are nullable and added in place (no table rebuild on SQLite: foreign keys point at
``goods_sku``); a SKU without them simply shows no unit price.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7444d3cbdc05'
down_revision = '7c1e4a9d2b60'
branch_labels = None
depends_on = None

UTF8 = {'mysql_charset': 'utf8mb4', 'mysql_collate': 'utf8mb4_unicode_ci'}


def upgrade():
    op.create_table(
        'offer',
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('percent', sa.SmallInteger(), nullable=True),
        sa.Column('fixed_price', sa.Numeric(precision=10, scale=2), nullable=True),
        sa.Column('buy_count', sa.SmallInteger(), nullable=True),
        sa.Column('pay_count', sa.SmallInteger(), nullable=True),
        sa.Column('bundle_price', sa.Numeric(precision=10, scale=2), nullable=True),
        sa.Column('category_id', sa.Integer(), nullable=True),
        sa.Column('goods_id', sa.Integer(), nullable=True),
        # storefront.models.UTCDateTime: naive UTC in the column, aware in Python
        sa.Column('starts_at', sa.DateTime(), nullable=False),
        sa.Column('ends_at', sa.DateTime(), nullable=False),
        sa.Column('promotion_id', sa.Integer(), nullable=True),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_offer_window')),
        sa.ForeignKeyConstraint(['category_id'], ['goods_category.id'],
                                name=op.f('fk_offer_category_id_goods_category')),
        sa.ForeignKeyConstraint(['goods_id'], ['goods.id'],
                                name=op.f('fk_offer_goods_id_goods')),
        sa.ForeignKeyConstraint(['promotion_id'], ['index_promotion_banner.id'],
                                name=op.f('fk_offer_promotion_id_index_promotion_banner'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_offer')),
        **UTF8,
    )
    op.create_index(op.f('ix_offer_category_id'), 'offer', ['category_id'])
    op.create_index(op.f('ix_offer_goods_id'), 'offer', ['goods_id'])
    op.create_index(op.f('ix_offer_promotion_id'), 'offer', ['promotion_id'])
    # the page layer asks "offers not yet ended": by end, then start
    op.create_index('ix_offer_window', 'offer', ['ends_at', 'starts_at'])

    op.create_table(
        'offer_sku',
        sa.Column('offer_id', sa.Integer(), nullable=False),
        sa.Column('sku_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['offer_id'], ['offer.id'],
                                name=op.f('fk_offer_sku_offer_id_offer'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['sku_id'], ['goods_sku.id'],
                                name=op.f('fk_offer_sku_sku_id_goods_sku'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('offer_id', 'sku_id', name=op.f('pk_offer_sku')),
        **UTF8,
    )
    op.create_index(op.f('ix_offer_sku_sku_id'), 'offer_sku', ['sku_id'])

    op.add_column('goods_sku', sa.Column('unit_quantity', sa.Numeric(precision=10, scale=3),
                                         nullable=True))
    op.add_column('goods_sku', sa.Column('unit_measure', sa.String(length=8), nullable=True))


def downgrade():
    with op.batch_alter_table('goods_sku', schema=None) as batch_op:
        batch_op.drop_column('unit_measure')
        batch_op.drop_column('unit_quantity')
    op.drop_index(op.f('ix_offer_sku_sku_id'), table_name='offer_sku')
    op.drop_table('offer_sku')
    op.drop_index('ix_offer_window', table_name='offer')
    op.drop_index(op.f('ix_offer_promotion_id'), table_name='offer')
    op.drop_index(op.f('ix_offer_goods_id'), table_name='offer')
    op.drop_index(op.f('ix_offer_category_id'), table_name='offer')
    op.drop_table('offer')
