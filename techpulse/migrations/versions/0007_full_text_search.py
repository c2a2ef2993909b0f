"""full-text search: search_documents with FTS5 (SQLite) or a tsvector + GIN (PostgreSQL)

Revision ID: 0007
Revises: 0004
Create Date: 2026-11-30 02:50:00

The database-specific index is written out here rather than imported, so this migration
keeps doing what it did when the application changes. Existing articles are indexed.
"""
import re
from html import unescape

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0005'
branch_labels = None
depends_on = None

COLUMNS = "title, excerpt, body, category, tags"
NEW = "new.article_id, new.title, new.excerpt, new.body, new.category, new.tags"
OLD = "old.article_id, old.title, old.excerpt, old.body, old.category, old.tags"
SQLITE = (
    "CREATE VIRTUAL TABLE search_fts USING fts5(title, excerpt, body, category, tags, "
    "content='search_documents', content_rowid='article_id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents BEGIN "
    f"INSERT INTO search_fts(rowid, {COLUMNS}) VALUES ({NEW}); END",
    f"CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents BEGIN "
    f"INSERT INTO search_fts(search_fts, rowid, {COLUMNS}) VALUES ('delete', {OLD}); END",
    f"CREATE TRIGGER search_documents_au AFTER UPDATE ON search_documents BEGIN "
    f"INSERT INTO search_fts(search_fts, rowid, {COLUMNS}) VALUES ('delete', {OLD}); "
    f"INSERT INTO search_fts(rowid, {COLUMNS}) VALUES ({NEW}); END",
)
POSTGRES = (
    "ALTER TABLE search_documents ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('english', title), 'A') || "
    "setweight(to_tsvector('english', category || ' ' || tags), 'B') || "
    "setweight(to_tsvector('english', excerpt), 'C') || "
    "setweight(to_tsvector('english', body), 'D')) STORED",
    "CREATE INDEX ix_search_documents_search_vector ON search_documents "
    "USING gin (search_vector)",
)
_BLOCK = re.compile(r"</?(p|div|h[1-6]|li|ul|ol|blockquote|pre|br|tr|td|th|table|figure|"
                    r"figcaption|hr)\b[^>]*>", re.I)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def _text(html):
    text = _TAG.sub("", _BLOCK.sub(" ", html or ""))
    return _SPACE.sub(" ", unescape(text)).strip()


def _clean(value):
    return (value or "").replace("\x02", "").replace("\x03", "")


def upgrade():
    op.create_table('search_documents',
    sa.Column('article_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('excerpt', sa.String(length=500), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=80), nullable=False),
    sa.Column('tags', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_search_documents_article_id_articles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('article_id', name=op.f('pk_search_documents'))
    )
    dialect = op.get_bind().dialect.name
    for statement in SQLITE if dialect == "sqlite" else POSTGRES if dialect == "postgresql" else ():
        op.execute(statement)
    _index_existing_articles()


def _index_existing_articles():
    bind = op.get_bind()
    tags = {}
    for article_id, name in bind.execute(sa.text(
        "SELECT article_tags.article_id, tags.name FROM article_tags "
        "JOIN tags ON tags.id = article_tags.tag_id ORDER BY tags.name"
    )):
        tags.setdefault(article_id, []).append(name)
    documents = sa.table("search_documents", *(sa.column(name) for name in (
        "article_id", "title", "excerpt", "body", "category", "tags")))
    rows = [
        {"article_id": article_id, "title": _clean(title), "excerpt": _clean(excerpt),
         "body": _clean(_text(body_html)), "category": _clean(category),
         "tags": _clean("\n".join(tags.get(article_id, [])))}
        for article_id, title, excerpt, body_html, category in bind.execute(sa.text(
            "SELECT articles.id, articles.title, articles.excerpt, articles.body_html, "
            "categories.name FROM articles JOIN categories ON categories.id = articles.category_id"
        ))
    ]
    if rows:
        op.bulk_insert(documents, rows)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS search_fts")
    op.drop_table('search_documents')
