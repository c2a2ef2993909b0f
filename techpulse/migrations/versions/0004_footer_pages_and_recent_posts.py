"""pages choose the footer; admins set how many recent posts the sidebar lists

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 02:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('pages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('in_footer', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('site_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recent_posts', sa.Integer(), server_default='5', nullable=False))


def downgrade():
    with op.batch_alter_table('site_settings', schema=None) as batch_op:
        batch_op.drop_column('recent_posts')
    with op.batch_alter_table('pages', schema=None) as batch_op:
        batch_op.drop_column('in_footer')
