"""Each tag link carries its story's live date, kept current on every write.

``article_tags.live_from`` is the story's ``published_at`` while it is published or
scheduled (what :func:`listing_counts.counted` counts), else NULL. A tag's page and the
related stories read a tag's newest live stories from ``ix_article_tags_tag_live`` alone:
at 1,000,000 stories a rare tag's page otherwise walked the newest stories of every tag
until it found ten of its own.

Every flush that adds an article, or changes one's status, date or tags, copies the value
onto its links in the same transaction, and so does a bulk UPDATE of articles' status or
date, as the search index and listing counts are kept (``services/write_hooks.py``).
Going live by the clock copies the same date again: a scheduled story's links carry it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, Connection, case, select, update
from sqlalchemy.orm import ORMExecuteState, Session

from techpulse.database import changed, listen_once
from techpulse.models import Article, article_tags
from techpulse.services.listing_counts import counted

# Changes to these article attributes change what its links carry.
COPIED_ATTRIBUTES = ("status", "published_at", "tags")
BATCH = 500


def live_from() -> ColumnElement[Any]:
    """The value the links of an ``articles`` row carry: its date while counted, else NULL."""
    return case((counted(), Article.published_at), else_=None)


def _story_value() -> Any:
    # The link's own story, read in the UPDATE (one statement however many links).
    story = select(live_from()).where(Article.id == article_tags.c.article_id)
    return story.scalar_subquery()


def copy_to_links(connection: Connection, article_ids: Iterable[int]) -> None:
    """Copy the live date of ``article_ids`` onto their tag links."""
    ids = sorted(set(article_ids))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        statement = update(article_tags).where(article_tags.c.article_id.in_(chunk))
        connection.execute(statement.values(live_from=_story_value()))


def copy_to_every_link(connection: Connection) -> int:
    """Copy every story's live date onto its links where it differs; how many changed."""
    value = _story_value()
    statement = update(article_tags).where(article_tags.c.live_from.is_distinct_from(value))
    return connection.execute(statement.values(live_from=value)).rowcount


def _after_flush(session: Session, _context: Any) -> None:
    ids = [o.id for o in session.new if isinstance(o, Article)]
    ids += [o.id for o in session.dirty if isinstance(o, Article) and changed(o, COPIED_ATTRIBUTES)]
    copy_to_links(session.connection(), ids)


def _copy_after_bulk_update(state: ORMExecuteState) -> Any:
    """A bulk UPDATE of articles that may set a status or date: run it, then copy onto the
    links of the stories its condition matched (every link, if it had none)."""
    statement = state.statement
    table = getattr(statement, "table", None)
    if not state.is_update or getattr(table, "name", None) != Article.__tablename__:
        return None
    values = {getattr(key, "key", key) for key in getattr(statement, "_values", None) or {}}
    if values and not values & {"status", "published_at"}:
        return None
    connection = state.session.connection()
    where = statement.whereclause  # type: ignore[attr-defined]
    ids = None if where is None else list(connection.scalars(select(Article.id).where(where)))
    result = state.invoke_statement()
    if ids is None:
        copy_to_every_link(connection)
    else:
        copy_to_links(connection, ids)
    return result


def install() -> None:
    """Listen to every ORM session: copy at each flush and after each bulk UPDATE."""
    listen_once(
        Session,
        (("after_flush", _after_flush), ("do_orm_execute", _copy_after_bulk_update)),
    )
