"""Links between stories, written ``[text](article:ID)``: resolved when a body is saved.

A link takes the target's current address if the target is live, and is only its text
otherwise, so a public page never shows a dead link. Which bodies link to which story is kept
(``article_links``, ``page_links``); when a story's address or visibility changes, or it is
deleted, the bodies linking to it are rendered again in the same transaction (a session hook
installed by ``services/write_hooks.py``), so a slug change is followed everywhere.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from sqlalchemy import Table, delete, insert, inspect, select, update
from sqlalchemy.orm import Session

from techpulse.database import listen_once
from techpulse.extensions import db
from techpulse.markup.markdown import story_link_ids
from techpulse.models import Article, Page, article_links, page_links

# Changes to these attributes of a story change where, or whether, links to it lead.
ADDRESS_ATTRIBUTES = ("slug", "status", "published_at")
_PENDING = "story_links_pending"
LINK_TABLES: dict[type, tuple[Table, str]] = {
    Article: (article_links, "article_id"),
    Page: (page_links, "page_id"),
}


def story_path(slug: str) -> str:
    """The site path of the story with this slug (as ``url_for("blog.article")`` writes it)."""
    return "/articles/" + quote(slug, safe="")


def link_targets(source: str) -> dict[int, str]:
    """The paths of the live stories a body links to, by id (others are left out)."""
    ids = story_link_ids(source)
    if not ids:
        return {}
    query = select(Article.id, Article.slug).where(Article.id.in_(ids), Article.live())
    return {article_id: story_path(slug) for article_id, slug in db.session.execute(query)}


def record_links(owner: Article | Page, source: str) -> None:
    """Remember which stories the owner's body links to (the owner is flushed already)."""
    table, key = LINK_TABLES[type(owner)]
    ids = story_link_ids(source) - ({owner.id} if isinstance(owner, Article) else set())
    db.session.execute(delete(table).where(table.c[key] == owner.id))
    known = set(db.session.scalars(select(Article.id).where(Article.id.in_(ids)))) if ids else set()
    if known:
        db.session.execute(insert(table), [{key: owner.id, "target_id": i} for i in sorted(known)])


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


def _forget_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)


def _moved(article: Article) -> bool:
    state = inspect(article)
    return any(state.attrs[name].history.has_changes() for name in ADDRESS_ATTRIBUTES)


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    # Noted before the flush: a deleted story's link rows go with it (ON DELETE CASCADE).
    targets = {obj.id for obj in session.deleted if isinstance(obj, Article)}
    targets |= {obj.id for obj in session.dirty if isinstance(obj, Article) and _moved(obj)}
    targets.discard(None)
    if not targets:
        return
    connection = session.connection()
    pending = session.info.setdefault(_PENDING, {model: set() for model in LINK_TABLES})
    for model, (table, key) in LINK_TABLES.items():
        linking = select(table.c[key]).where(table.c.target_id.in_(targets))
        pending[model].update(connection.scalars(linking))


def _after_flush(session: Session, _context: Any) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    from techpulse.services.editorial.story_images import render_story  # imports this module

    connection = session.connection()
    for model, ids in pending.items():
        if not ids:
            continue
        table = model.__table__
        rows = connection.execute(select(table.c.id, table.c.body_md).where(table.c.id.in_(ids)))
        for row_id, body_md in rows.all():
            # The story's own edit time stays: only where its links lead has changed.
            connection.execute(
                update(table)
                .where(table.c.id == row_id)
                .values(body_html=render_story(body_md).html, updated_at=table.c.updated_at)
            )
