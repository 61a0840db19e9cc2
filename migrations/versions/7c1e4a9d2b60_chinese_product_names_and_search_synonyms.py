"""Chinese product names and search synonyms

Revision ID: 7c1e4a9d2b60
Revises: 17d3af61a944
Create Date: 2026-12-04 19:00:00

``goods.name_zh``: a product's Chinese name beside its English one (nullable: staff fill it
in; `flask seed-demo` does for the demo). ``search_synonym``: the words shoppers use for one
thing, one comma-separated group per row. A column and a table added: no rows rewritten.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '7c1e4a9d2b60'
down_revision = '17d3af61a944'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('goods', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_zh', sa.String(length=80), nullable=True))
    op.create_table('search_synonym',
    sa.Column('words', sa.String(length=255), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_synonym')),
    mysql_charset='utf8mb4',
    mysql_collate='utf8mb4_unicode_ci'
    )


def downgrade():
    op.drop_table('search_synonym')
    with op.batch_alter_table('goods', schema=None) as batch_op:
        batch_op.drop_column('name_zh')
