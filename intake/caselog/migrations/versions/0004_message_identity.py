"""message identity: content digest (duplicates), body shape and thread (the loop guard)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

COLUMNS = ('content_digest', 'body_shape', 'thread')


def upgrade() -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.String(length=64), nullable=True))
            batch_op.create_index(batch_op.f(f'ix_messages_{name}'), [name], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.drop_index(batch_op.f(f'ix_messages_{name}'))
            batch_op.drop_column(name)
