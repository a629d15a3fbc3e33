"""former reference: a case renumbered onto another route (FOI to subject access) keeps its old number

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 15:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('former_reference', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_cases_former_reference'), ['former_reference'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_former_reference'))
        batch_op.drop_column('former_reference')
