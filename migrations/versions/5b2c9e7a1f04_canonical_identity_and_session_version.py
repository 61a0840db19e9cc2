"""canonical usernames and emails, session version

Revision ID: 5b2c9e7a1f04
Revises: d37188bd69cb
Create Date: 2026-12-02 10:00:00

Adds ``username_canonical`` and ``email_canonical`` (unique, compared byte for byte) and
``session_version``. Existing rows get their canonical forms from the same function the app
uses. Two existing accounts whose names or emails are one identity (e.g. "Bob" and "bob")
cannot both keep it: the upgrade stops and names them, for staff to rename one first.

The columns are added NOT NULL with a server default, so SQLite needs no table rebuild (a
rebuild of ``users`` would trip over the foreign keys that point at it).
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

from storefront.identity import (
    EMAIL_CANONICAL_MAX,
    USERNAME_CANONICAL_MAX,
    canonical,
)

# revision identifiers, used by Alembic.
revision = '5b2c9e7a1f04'
down_revision = 'd37188bd69cb'
branch_labels = None
depends_on = None


def exact_string(length):
    return sa.String(length).with_variant(mysql.VARCHAR(length, collation='utf8mb4_bin'),
                                          'mysql', 'mariadb')


def upgrade():
    for name, length in (('username_canonical', USERNAME_CANONICAL_MAX),
                         ('email_canonical', EMAIL_CANONICAL_MAX)):
        op.add_column('users', sa.Column(name, exact_string(length), nullable=False,
                                         server_default=''))
    op.add_column('users', sa.Column('session_version', sa.Integer(), nullable=False,
                                     server_default='0'))
    backfill(op.get_bind())
    op.create_index(op.f('ix_users_username_canonical'), 'users', ['username_canonical'],
                    unique=True)
    op.create_index(op.f('ix_users_email_canonical'), 'users', ['email_canonical'],
                    unique=True)
    if op.get_bind().dialect.name != 'sqlite':  # SQLite cannot drop a default in place
        for name, length in (('username_canonical', USERNAME_CANONICAL_MAX),
                             ('email_canonical', EMAIL_CANONICAL_MAX)):
            op.alter_column('users', name, existing_type=exact_string(length),
                            existing_nullable=False, server_default=None)


def backfill(conn):
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('username', sa.String),
                     sa.column('email', sa.String), sa.column('username_canonical', sa.String),
                     sa.column('email_canonical', sa.String))
    rows = conn.execute(sa.select(users.c.id, users.c.username, users.c.email)).all()
    seen, clashes = {}, []
    for row in rows:
        for kind, value in (('username', row.username), ('email', row.email)):
            key = (kind, canonical(value))
            if key in seen:
                clashes.append(f'{kind} {value!r}: users {seen[key]} and {row.id}')
            seen.setdefault(key, row.id)
    if clashes:
        raise RuntimeError('these accounts share one identity; rename one of each pair, then '
                           'upgrade again: ' + '; '.join(clashes))
    for row in rows:
        conn.execute(users.update().where(users.c.id == row.id).values(
            username_canonical=canonical(row.username), email_canonical=canonical(row.email)))


def downgrade():
    op.drop_index(op.f('ix_users_email_canonical'), table_name='users')
    op.drop_index(op.f('ix_users_username_canonical'), table_name='users')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')
        batch_op.drop_column('email_canonical')
        batch_op.drop_column('username_canonical')
