"""Keeping the search index in step with articles, whichever code path writes them.

Every flush that adds, edits or deletes an article, or renames or deletes a category or tag,
rewrites the affected rows of ``search_documents`` in the same transaction (SQLAlchemy
session events), so no write can bypass the index. ``rebuild_index`` rewrites all of it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import Connection, Select, delete, insert, inspect, select
from sqlalchemy.orm import Session

from techpulse.database import changed, listen_once
from techpulse.markup.markdown import html_to_text
from techpulse.models import Article, Category, SearchDocument, Tag, article_tags
from techpulse.models.search import FTS_TABLE

# Changes to these article attributes change what search finds.
INDEXED_ATTRIBUTES = ("title", "excerpt", "body_html", "category_id", "category", "tags")
BATCH = 500
_PENDING = "search_index_pending"
# The markers snippets are highlighted with; they must never occur in indexed text.
MARKERS = str.maketrans("", "", "\x02\x03")
TAG_SEPARATOR = "\n"  # between tag names in a document; a tag name never holds one


def install() -> None:
    """Listen to every ORM session's flushes (once per process)."""
    listen_once(
        Session,
        (
            ("before_flush", _before_flush),
            ("after_flush", _after_flush),
            ("after_rollback", _forget_pending),
        ),
    )


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    # A deleted tag takes its article links with it (ON DELETE CASCADE, or an explicit
    # DELETE already sent): note its articles, by link and by the indexed name, first.
    tags = [obj for obj in session.deleted if isinstance(obj, Tag)]
    if not tags:
        return
    connection = session.connection()
    pending = session.info.setdefault(_PENDING, set())
    ids = [tag.id for tag in tags]
    linked = select(article_tags.c.article_id).where(article_tags.c.tag_id.in_(ids))
    pending.update(connection.scalars(linked))
    for tag in tags:
        pending.update(connection.scalars(_documents_tagged(_committed(tag, "name"))))


def _documents_tagged(name: str) -> Select[tuple[int]]:
    wrapped = TAG_SEPARATOR + SearchDocument.tags + TAG_SEPARATOR
    has_tag = wrapped.contains(TAG_SEPARATOR + name + TAG_SEPARATOR, autoescape=True)
    return select(SearchDocument.article_id).where(has_tag)


def _forget_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)


def _after_flush(session: Session, _context: Any) -> None:
    ids: set[int] = session.info.pop(_PENDING, set())
    connection = session.connection()
    for obj in session.new:
        if isinstance(obj, Article):
            ids.add(obj.id)
    for obj in session.dirty:
        if isinstance(obj, Article) and changed(obj, INDEXED_ATTRIBUTES):
            ids.add(obj.id)
        elif isinstance(obj, Category) and changed(obj, ("name",)):
            ids.update(connection.scalars(select(Article.id).where(Article.category_id == obj.id)))
        elif isinstance(obj, Tag) and changed(obj, ("name",)):
            tagged = select(article_tags.c.article_id).where(article_tags.c.tag_id == obj.id)
            ids.update(connection.scalars(tagged))
    for obj in session.deleted:
        if isinstance(obj, Article):
            ids.add(obj.id)
        elif isinstance(obj, Category):
            # Its articles were moved elsewhere by a bulk UPDATE; find them by the old name.
            was_filed = SearchDocument.category == _committed(obj, "name")
            ids.update(connection.scalars(select(SearchDocument.article_id).where(was_filed)))
    if ids:
        reindex_articles(connection, ids)


def _committed(obj: Any, name: str) -> Any:
    history = inspect(obj).attrs[name].history
    return (history.deleted or history.unchanged or history.added or [None])[0]


def reindex_articles(connection: Connection, article_ids: Iterable[int]) -> int:
    """Rewrite the search documents of these articles (deleting those of vanished ones)."""
    ids = sorted(set(article_ids))
    written = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        connection.execute(delete(SearchDocument).where(SearchDocument.article_id.in_(chunk)))
        rows = _documents(connection, chunk)
        if rows:
            connection.execute(insert(SearchDocument), rows)
        written += len(rows)
    return written


def _documents(connection: Connection, ids: list[int]) -> list[dict[str, Any]]:
    tags: dict[int, list[str]] = {}
    tagged = (
        select(article_tags.c.article_id, Tag.name)
        .join(Tag, Tag.id == article_tags.c.tag_id)
        .where(article_tags.c.article_id.in_(ids))
        .order_by(Tag.name)
    )
    for article_id, name in connection.execute(tagged):
        tags.setdefault(article_id, []).append(name)
    articles = (
        select(Article.id, Article.title, Article.excerpt, Article.body_html, Category.name)
        .join(Category, Category.id == Article.category_id)
        .where(Article.id.in_(ids))
    )
    return [
        {
            "article_id": article_id,
            "title": title.translate(MARKERS),
            "excerpt": excerpt.translate(MARKERS),
            "body": html_to_text(body_html).translate(MARKERS),
            "category": category.translate(MARKERS),
            "tags": TAG_SEPARATOR.join(tags.get(article_id, [])).translate(MARKERS),
        }
        for article_id, title, excerpt, body_html, category in connection.execute(articles)
    ]


def rebuild_index(session: Session, progress: Callable[[int], None] | None = None) -> int:
    """Rewrite every article's search document (not committed); return how many."""
    connection = session.connection()
    connection.execute(delete(SearchDocument))
    ids = list(connection.scalars(select(Article.id).order_by(Article.id)))
    written = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        written += reindex_articles(connection, chunk)
        if progress is not None:
            progress(len(chunk))
    if connection.dialect.name == "sqlite":
        # Rebuild the FTS5 index from its content table, in case it ever drifted.
        connection.exec_driver_sql(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
    return written
