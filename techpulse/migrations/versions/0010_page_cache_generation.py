"""page cache generation

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 03:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('page_cache_generation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_page_cache_generation'))
    )


def downgrade():
    op.drop_table('page_cache_generation')
