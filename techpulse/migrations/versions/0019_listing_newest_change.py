"""listing counts keep the newest change of each scope (the sitemap's lastmod)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 17:00:00.000000

"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

COUNTED = ("published", "scheduled")


def upgrade():
    with op.batch_alter_table("listing_counts") as batch:
        batch.add_column(sa.Column("newest_at", sa.DateTime(), nullable=True))
    _backfill(op.get_bind())


def _backfill(connection):
    """Each stored scope's newest live change, from one grouped query per kind of scope."""
    articles = sa.table(
        "articles",
        sa.column("id"), sa.column("status"), sa.column("published_at"),
        sa.column("updated_at"), sa.column("category_id"), sa.column("author_id"),
    )  # fmt: skip
    tags = sa.table("article_tags", sa.column("article_id"), sa.column("tag_id"))
    coauthors = sa.table("article_coauthors", sa.column("article_id"), sa.column("user_id"))
    now = datetime.now(UTC).replace(tzinfo=None)
    newest = sa.func.max(
        sa.case(
            (articles.c.updated_at > articles.c.published_at, articles.c.updated_at),
            else_=articles.c.published_at,
        )
    )
    at = sa.bindparam("now", now, type_=sa.DateTime())
    live = sa.and_(articles.c.status.in_(COUNTED), articles.c.published_at <= at)
    found = {}
    for (when,) in connection.execute(sa.select(newest).where(live)):
        found["all"] = when
    grouped = (
        ("category", articles.c.category_id, None),
        ("author", articles.c.author_id, None),
        ("author", coauthors.c.user_id, coauthors),
        ("tag", tags.c.tag_id, tags),
    )
    for kind, column, joined in grouped:
        query = sa.select(column, newest).where(live).group_by(column)
        if joined is not None:
            query = query.select_from(articles.join(joined, joined.c.article_id == articles.c.id))
        for key, when in connection.execute(query):
            scope = f"{kind}:{key}"
            if when is not None and (found.get(scope) is None or when > found[scope]):
                found[scope] = when
    # Written back as read (SQLite hands the aggregate back as its stored text).
    table = sa.table("listing_counts", sa.column("scope"), sa.column("newest_at"))
    rows = [{"s": scope, "n": when} for scope, when in found.items() if when is not None]
    if rows:
        connection.execute(
            table.update()
            .where(table.c.scope == sa.bindparam("s"))
            .values(newest_at=sa.bindparam("n")),
            rows,
        )


def downgrade():
    with op.batch_alter_table("listing_counts") as batch:
        batch.drop_column("newest_at")
