"""reference series: one sequence per series and year (FOI and subject access references apart)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 14:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('reference_series',
    sa.Column('series', sa.String(length=16), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('series', 'year')
    )
    # The existing counters are the main series ("": organisation.reference_format), so no number is reused.
    op.execute("INSERT INTO reference_series (series, year, last) SELECT '', year, last FROM reference_counters")
    op.drop_table('reference_counters')


def downgrade() -> None:
    op.create_table('reference_counters',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year')
    )
    op.execute("INSERT INTO reference_counters (year, last) SELECT year, last FROM reference_series WHERE series = ''")
    op.drop_table('reference_series')
