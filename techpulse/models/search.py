"""The search index: one plain-text document per article, and the database's own index over it.

``search_documents`` is portable and filled by the article write path (see
``techpulse.services.search.index``). Each database then indexes it in its own way, created
with the table (``create_all``) and by migration 0007:

- SQLite: an FTS5 table with external content (``search_fts``) kept in step by triggers;
- PostgreSQL: a generated, weighted ``tsvector`` column with a GIN index.

Neither is part of the ORM model, so :func:`include_in_schema_comparison` hides them from
Alembic's autogenerate comparison.
"""

from __future__ import annotations

from sqlalchemy import DDL, ForeignKey, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from techpulse.extensions import db

FTS_TABLE = "search_fts"
VECTOR_COLUMN = "search_vector"
VECTOR_INDEX = "ix_search_documents_search_vector"
# English stemming on both databases, so "deals" finds "deal" whichever one serves the site.
TEXT_SEARCH_CONFIG = "english"
# FTS5's words: combining marks count as letters ("दुनिया" is one word, not "द न य"), and
# Latin accents are folded ("cafe" finds "café"). Migration 0012 set this on existing sites.
SQLITE_TOKENIZER = "porter unicode61 remove_diacritics 2 categories ''L* N* Co M*''"


class SearchDocument(db.Model):
    """What search reads for one article: its words as plain text, category and tag names."""

    __tablename__ = "search_documents"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    title: Mapped[str] = mapped_column(String(200), default="")
    excerpt: Mapped[str] = mapped_column(String(500), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(80), default="")
    tags: Mapped[str] = mapped_column(Text, default="")

    def __repr__(self) -> str:
        return f"<SearchDocument {self.article_id}>"


COLUMNS = ("title", "excerpt", "body", "category", "tags")
_NEW = ", ".join(f"new.{name}" for name in COLUMNS)
_OLD = ", ".join(f"old.{name}" for name in COLUMNS)
_NAMES = ", ".join(COLUMNS)

SQLITE_DDL = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5({_NAMES}, content='search_documents', "
    f"content_rowid='article_id', tokenize='{SQLITE_TOKENIZER}')",
    f"CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, {_NAMES}) VALUES (new.article_id, {_NEW}); END",
    f"CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_NAMES}) "
    f"VALUES ('delete', old.article_id, {_OLD}); END",
    f"CREATE TRIGGER search_documents_au AFTER UPDATE ON search_documents BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_NAMES}) "
    f"VALUES ('delete', old.article_id, {_OLD}); "
    f"INSERT INTO {FTS_TABLE}(rowid, {_NAMES}) VALUES (new.article_id, {_NEW}); END",
)


def _weighted(column: str, weight: str) -> str:
    return f"setweight(to_tsvector('{TEXT_SEARCH_CONFIG}', {column}), '{weight}')"


_LABELS = "category || ' ' || tags"
# Weights: A title, B category and tags, C excerpt, D body (ts_rank favours A over D).
POSTGRES_DDL = (
    f"ALTER TABLE search_documents ADD COLUMN {VECTOR_COLUMN} tsvector GENERATED ALWAYS AS ("
    f"{_weighted('title', 'A')} || {_weighted(_LABELS, 'B')} || "
    f"{_weighted('excerpt', 'C')} || {_weighted('body', 'D')}) STORED",
    f"CREATE INDEX {VECTOR_INDEX} ON search_documents USING gin ({VECTOR_COLUMN})",
)

for _statement in SQLITE_DDL:
    event.listen(
        SearchDocument.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite")
    )
for _statement in POSTGRES_DDL:
    event.listen(
        SearchDocument.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql")
    )
# Dropping the table drops the PostgreSQL column, index and the SQLite triggers with it.
event.listen(
    SearchDocument.__table__,
    "before_drop",
    DDL(f"DROP TABLE IF EXISTS {FTS_TABLE}").execute_if(dialect="sqlite"),
)


def include_in_schema_comparison(name: str | None, type_: str, parent_names: dict) -> bool:
    """Alembic ``include_name`` hook: leave the database-specific search index out."""
    if type_ == "table":
        return not (name or "").startswith(FTS_TABLE)
    if type_ == "column":
        return name != VECTOR_COLUMN
    if type_ == "index":
        return name != VECTOR_INDEX
    return True
