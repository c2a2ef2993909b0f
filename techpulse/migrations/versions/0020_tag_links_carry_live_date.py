"""tag links carry their story's live date, indexed per tag (tag pages at any size)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-08 02:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

COUNTED = ("published", "scheduled")


def upgrade():
    with op.batch_alter_table("article_tags") as batch:
        batch.add_column(sa.Column("live_from", sa.DateTime(), nullable=True))
    _backfill(op.get_bind())
    # Built after the backfill (one pass over the filled rows); it leads with tag_id, so
    # the single-column index on tag_id has nothing left to do.
    with op.batch_alter_table("article_tags") as batch:
        batch.drop_index("ix_article_tags_tag_id")
        batch.create_index("ix_article_tags_tag_live", ["tag_id", "live_from", "article_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ANALYZE article_tags")  # plans for the new column from the first page


def _backfill(connection):
    """Each link of a published or scheduled story gets its date: one UPDATE … FROM."""
    articles = sa.table(
        "articles", sa.column("id"), sa.column("status"), sa.column("published_at")
    )
    links = sa.table("article_tags", sa.column("article_id"), sa.column("live_from"))
    connection.execute(
        links.update()
        .where(
            links.c.article_id == articles.c.id,
            articles.c.status.in_(COUNTED),
            articles.c.published_at.is_not(None),
        )
        .values(live_from=articles.c.published_at)
    )


def downgrade():
    with op.batch_alter_table("article_tags") as batch:
        batch.drop_index("ix_article_tags_tag_live")
        batch.create_index("ix_article_tags_tag_id", ["tag_id"])
        batch.drop_column("live_from")
