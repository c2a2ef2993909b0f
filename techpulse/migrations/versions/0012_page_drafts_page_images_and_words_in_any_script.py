"""draft pages, the library images pages show; SQLite search keeps combining marks in words

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 09:00:00

Pages get ``published`` (existing pages stay published) and, like articles, a table of the
library images their body shows (an image in use is not deleted). On SQLite, the FTS5 index is
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
    op.create_table(
        "page_images",
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("image_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["image_id"], ["images.id"], name=op.f("fk_page_images_image_id_images"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["page_id"], ["pages.id"], name=op.f("fk_page_images_page_id_pages"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("page_id", "image_id", name=op.f("pk_page_images")),
    )
    with op.batch_alter_table("page_images", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_page_images_image_id"), ["image_id"], unique=False)
    _rebuild_search_index(WORDS_IN_ANY_SCRIPT)


def downgrade():
    _rebuild_search_index(LATIN_WORDS)
    op.drop_table("page_images")
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
