"""Story counts for list pages, kept current on every write so a page view never counts a table.

A scope is one listing: ``all`` (the home page), ``category:<id>``, ``author:<id>`` or
``tag:<id>``. Its stored total counts articles that are published or scheduled; a reader
subtracts the few scheduled for later (an indexed range), so counts are right the moment a
scheduled story goes live, with no job to run.

Every flush that touches an article notes the scopes it may change (old and new category,
author and tags); just before the commit those scopes are counted again, exactly, under a
row lock so that two concurrent saves cannot leave a stale figure. A bulk UPDATE or DELETE
of articles recounts everything.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Select,
    and_,
    bindparam,
    delete,
    func,
    or_,
    select,
    true,
)
from sqlalchemy.orm import ORMExecuteState, Session

from techpulse.clock import utcnow
from techpulse.database import listen_once
from techpulse.extensions import db
from techpulse.models import Article, ArticleCoauthor, ListingCount, Status, article_tags

_PENDING = "techpulse.listing_count_scopes"
_EVERYTHING = "*"
COUNTED = (Status.PUBLISHED.value, Status.SCHEDULED.value)


def counted() -> ColumnElement[bool]:
    """SQL condition for the articles a stored total includes."""
    return and_(Article.status.in_(COUNTED), Article.published_at.is_not(None))


def in_scope(kind: str, ident: int | BindParameter[int] | None = None) -> ColumnElement[bool]:
    """SQL condition restricting articles to one kind of scope (``ident`` may be bound later)."""
    if kind == "all":
        return true()
    if kind == "category":
        return Article.category_id == ident
    if kind == "author":  # the author's own stories and those they co-wrote
        cowritten = select(ArticleCoauthor.article_id).where(
            ArticleCoauthor.article_id == Article.id, ArticleCoauthor.user_id == ident
        )
        return or_(Article.author_id == ident, cowritten.exists())
    if kind == "tag":
        tagged = select(article_tags.c.article_id).where(
            article_tags.c.article_id == Article.id, article_tags.c.tag_id == ident
        )
        return tagged.exists()
    raise ValueError(f"Unknown listing scope kind {kind!r}")


def scope_filter(scope: str) -> ColumnElement[bool]:
    """SQL condition restricting articles to one scope."""
    kind, _, ident = scope.partition(":")
    return in_scope(kind, int(ident) if ident else None)


@cache
def _stored_and_due_later(kind: str) -> Select[tuple[int | None, int]]:
    """One statement, built once per kind: the stored total, and how many are not out yet."""
    stored = select(ListingCount.total).where(ListingCount.scope == bindparam("scope"))
    later = select(func.count()).select_from(Article)
    later = later.where(counted(), Article.published_at > bindparam("now"))
    later = later.where(in_scope(kind, bindparam("ident")))
    return select(stored.scalar_subquery(), later.scalar_subquery())


def live_total(scope: str, now: datetime | None = None) -> int:
    """How many articles the public sees in ``scope`` right now, without counting the table."""
    now = now or utcnow()
    kind, _, ident = scope.partition(":")
    values = {"scope": scope, "now": now, "ident": int(ident) if ident else None}
    # The stories scheduled for later are counted here: an indexed range, few rows.
    stored, later = db.session.execute(_stored_and_due_later(kind), values).one()
    if stored is None:  # never counted (e.g. rows written outside the app): count exactly
        return _exact(scope, Article.published_at <= now)
    return stored - later


def _exact(scope: str, condition: ColumnElement[bool]) -> int:
    query = select(func.count()).select_from(Article)
    query = query.where(counted(), condition, scope_filter(scope))
    return db.session.scalar(query) or 0


def recount(session: Session, scopes: Iterable[str]) -> None:
    """Count ``scopes`` exactly and store the totals (in the session's transaction)."""
    names = sorted(set(scopes))
    if _EVERYTHING in names:
        recount_all(session)
        return
    if not names:
        return
    # Lock (or create) the rows first, in a fixed order, so concurrent saves take turns.
    existing = set(
        session.scalars(
            select(ListingCount.scope)
            .where(ListingCount.scope.in_(names))
            .order_by(ListingCount.scope)
            .with_for_update()
        )
    )
    for scope in names:
        total = session.scalar(
            select(func.count()).select_from(Article).where(counted(), scope_filter(scope))
        )
        table = ListingCount.__table__
        if scope in existing:
            session.execute(table.update().where(table.c.scope == scope).values(total=total))
        else:
            session.execute(table.insert().values(scope=scope, total=total))


def recount_all(session: Session) -> None:
    """Recount every scope from scratch (after bulk writes, imports or the bench generator)."""
    session.execute(delete(ListingCount.__table__))
    rows: list[dict[str, Any]] = []
    total = session.scalar(select(func.count()).select_from(Article).where(counted())) or 0
    rows.append({"scope": "all", "total": total})
    for kind, column in (("category", Article.category_id), ("author", Article.author_id)):
        grouped = select(column, func.count()).where(counted()).group_by(column)
        rows += [{"scope": f"{kind}:{key}", "total": n} for key, n in session.execute(grouped)]
    rows = _with_coauthors(session, rows)
    tagged = (
        select(article_tags.c.tag_id, func.count())
        .join(Article, Article.id == article_tags.c.article_id)
        .where(counted())
        .group_by(article_tags.c.tag_id)
    )
    rows += [{"scope": f"tag:{key}", "total": n} for key, n in session.execute(tagged)]
    session.execute(ListingCount.__table__.insert(), rows)


def _with_coauthors(session: Session, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add each co-author's co-written stories to their author total (never the author's own)."""
    totals = {row["scope"]: row for row in rows}
    cowritten = (
        select(ArticleCoauthor.user_id, func.count())
        .join(Article, Article.id == ArticleCoauthor.article_id)
        .where(counted(), Article.author_id != ArticleCoauthor.user_id)
        .group_by(ArticleCoauthor.user_id)
    )
    for user_id, number in session.execute(cowritten):
        row = totals.setdefault(f"author:{user_id}", {"scope": f"author:{user_id}", "total": 0})
        row["total"] += number
    return list(totals.values())


def _stored_scopes(session: Session, article_id: int) -> set[str]:
    """The scopes the database holds ``article_id`` in, at this point of the flush."""
    scopes = {"all"}
    stored = session.execute(
        select(Article.category_id, Article.author_id).where(Article.id == article_id)
    ).first()
    if stored is not None:
        scopes.update({f"category:{stored[0]}", f"author:{stored[1]}"})
    tag_ids = select(article_tags.c.tag_id).where(article_tags.c.article_id == article_id)
    scopes.update(f"tag:{tag_id}" for tag_id in session.execute(tag_ids).scalars())
    coauthors = select(ArticleCoauthor.user_id).where(ArticleCoauthor.article_id == article_id)
    scopes.update(f"author:{user_id}" for user_id in session.execute(coauthors).scalars())
    return scopes


def _note(session: Session, articles: list[Article]) -> None:
    pending = session.info.setdefault(_PENDING, set())
    with session.no_autoflush:
        for article in articles:
            if article.id is not None:
                pending.update(_stored_scopes(session, article.id))


def _note_scopes_before(session: Session, _context: Any, _instances: Any) -> None:
    # Where changed or deleted articles were: their scopes may lose them.
    _note(session, [o for o in (*session.dirty, *session.deleted) if isinstance(o, Article)])


def _note_scopes_after(session: Session, _context: Any) -> None:
    # Where new or changed articles are now: their scopes may gain them.
    _note(session, [o for o in (*session.new, *session.dirty) if isinstance(o, Article)])


def _note_bulk_writes(state: ORMExecuteState) -> None:
    if (state.is_update or state.is_delete) and _touches_articles(state):
        state.session.info.setdefault(_PENDING, set()).add(_EVERYTHING)


def _touches_articles(state: ORMExecuteState) -> bool:
    table = getattr(state.statement, "table", None)
    return table is not None and table.name in ("articles", "article_tags", "article_coauthors")


def _recount_before_commit(session: Session) -> None:
    session.flush()
    scopes = session.info.pop(_PENDING, None)
    if scopes:
        recount(session, scopes)


def _forget_on_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


def install() -> None:
    """Listen to every ORM session: note scopes at each flush, recount them before commit."""
    listen_once(
        Session,
        (
            ("before_flush", _note_scopes_before),
            ("after_flush", _note_scopes_after),
            ("do_orm_execute", _note_bulk_writes),
            ("before_commit", _recount_before_commit),
            ("after_rollback", _forget_on_rollback),
        ),
    )
