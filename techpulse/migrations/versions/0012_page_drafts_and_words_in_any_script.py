"""draft pages; SQLite search keeps combining marks inside words

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 09:00:00

Pages get ``published`` (existing pages stay published). On SQLite, the FTS5 index is
rebuilt with combining marks counted as letters, so "दुनिया" is one word, not "द न य"
(PostgreSQL's parser already keeps them). The SQL is written out here rather than imported,
so this migration keeps doing what it did when the application changes.
"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

FTS = (
    "CREATE VIRTUAL TABLE search_fts USING fts5(title, excerpt, body, category, tags, "
    "content='search_documents', content_rowid='article_id', tokenize='{}')"
)
WORDS_IN_ANY_SCRIPT = "porter unicode61 remove_diacritics 2 categories ''L* N* Co M*''"
LATIN_WORDS = "porter unicode61 remove_diacritics 2"


def upgrade():
    with op.batch_alter_table("pages", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("published", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch_op.create_index(batch_op.f("ix_pages_published"), ["published"], unique=False)
    _rebuild_search_index(WORDS_IN_ANY_SCRIPT)


def downgrade():
    _rebuild_search_index(LATIN_WORDS)
    with op.batch_alter_table("pages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pages_published"))
        batch_op.drop_column("published")


def _rebuild_search_index(tokenizer):
    # The triggers on search_documents name search_fts only in their bodies: they stay.
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TABLE IF EXISTS search_fts")
    op.execute(FTS.format(tokenizer))
    op.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
