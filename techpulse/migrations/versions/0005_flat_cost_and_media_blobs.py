"""listing counts, archive indexes and images stored in the database

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 02:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

OLD_INDEXES = {
    'ix_articles_status_published_at': ['status', 'published_at'],
    'ix_articles_published_at': ['published_at'],
    'ix_articles_featured': ['featured'],
    'ix_articles_category_id': ['category_id'],
    'ix_articles_author_id': ['author_id'],
}
NEW_INDEXES = {
    'ix_articles_live': ['published_at', 'id', 'status'],
    'ix_articles_category_live': ['category_id', 'published_at', 'id', 'status'],
    'ix_articles_author_live': ['author_id', 'published_at', 'id', 'status'],
    'ix_articles_featured_live': ['featured', 'published_at', 'id', 'status'],
}
COUNTED = "status IN ('published', 'scheduled') AND published_at IS NOT NULL"


def upgrade():
    op.create_table('listing_counts',
    sa.Column('scope', sa.String(length=40), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('scope')
    )
    op.create_table('media_blobs',
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    # One index per public list, in the list's order (see models/content.py); they replace
    # the single-column ones, which made SQLite sort every live story for page one.
    with op.batch_alter_table('articles', schema=None) as batch_op:
        for name in OLD_INDEXES:
            batch_op.drop_index(name)
        for name, columns in NEW_INDEXES.items():
            batch_op.create_index(name, columns, unique=False)
    # The counts of the stories already there (see techpulse/services/listing_counts.py).
    op.execute(f"INSERT INTO listing_counts (scope, total) SELECT 'all', count(*) FROM articles WHERE {COUNTED}")
    for kind in ('category', 'author'):
        op.execute(
            f"INSERT INTO listing_counts (scope, total) SELECT '{kind}:' || {kind}_id, count(*) "
            f"FROM articles WHERE {COUNTED} GROUP BY {kind}_id"
        )
    op.execute(
        "INSERT INTO listing_counts (scope, total) SELECT 'tag:' || article_tags.tag_id, count(*) "
        f"FROM article_tags JOIN articles ON articles.id = article_tags.article_id WHERE {COUNTED} "
        "GROUP BY article_tags.tag_id"
    )


def downgrade():
    with op.batch_alter_table('articles', schema=None) as batch_op:
        for name in NEW_INDEXES:
            batch_op.drop_index(name)
        for name, columns in OLD_INDEXES.items():
            batch_op.create_index(name, columns, unique=False)
    op.drop_table('media_blobs')
    op.drop_table('listing_counts')
