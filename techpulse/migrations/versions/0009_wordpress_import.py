"""wordpress import: post ids, legacy redirects, import history

Revision ID: 0009
Revises: 0004
Create Date: 2026-11-30 02:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

TABLES = ('articles', 'pages', 'images')


def upgrade():
    op.create_table('legacy_redirects',
    sa.Column('path', sa.String(length=500), nullable=False),
    sa.Column('target_type', sa.String(length=16), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=True),
    sa.Column('target_url', sa.String(length=500), nullable=False),
    sa.PrimaryKeyConstraint('path', name=op.f('pk_legacy_redirects'))
    )
    op.create_table('import_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('imported', sa.Integer(), nullable=False),
    sa.Column('updated', sa.Integer(), nullable=False),
    sa.Column('unchanged', sa.Integer(), nullable=False),
    sa.Column('skipped', sa.Integer(), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_runs'))
    )
    with op.batch_alter_table('import_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_runs_started_at'), ['started_at'], unique=False)
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('wordpress_id', sa.Integer(), nullable=True))
            batch_op.create_unique_constraint(batch_op.f(f'uq_{table}_wordpress_id'), ['wordpress_id'])


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'uq_{table}_wordpress_id'), type_='unique')
            batch_op.drop_column('wordpress_id')
    with op.batch_alter_table('import_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_runs_started_at'))
    op.drop_table('import_runs')
    op.drop_table('legacy_redirects')
