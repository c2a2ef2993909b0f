"""readership statistics: daily and monthly counters, the day's visitor salt

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 16:45:00

New tables only: nothing was counted before.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('stat_counts',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('period', sa.String(length=1), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('item', sa.String(length=200), nullable=False),
    sa.Column('count', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('day', 'period', 'kind', 'item', name=op.f('pk_stat_counts'))
    )
    with op.batch_alter_table('stat_counts', schema=None) as batch_op:
        batch_op.create_index('ix_stat_counts_kind_day', ['kind', 'day'], unique=False)

    op.create_table('stat_salts',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('salt', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_stat_salts'))
    )


def downgrade():
    op.drop_table('stat_salts')
    with op.batch_alter_table('stat_counts', schema=None) as batch_op:
        batch_op.drop_index('ix_stat_counts_kind_day')
    op.drop_table('stat_counts')
