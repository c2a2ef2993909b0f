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
    case,
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
from techpulse.services.rows import core

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
def stored_and_due_later(kind: str) -> Select[tuple[int | None, int]]:
    """One statement, built once per kind: the stored total (``stored``, bound ``scope``),
    and how many are not out yet (``later``, bound ``now`` and ``ident``)."""
    stored = select(ListingCount.total).where(ListingCount.scope == bindparam("scope"))
    later = select(func.count()).select_from(Article)
    later = later.where(counted(), Article.published_at > bindparam("now"))
    later = later.where(in_scope(kind, bindparam("ident")))
    return core(
        select(stored.scalar_subquery().label("stored"), later.scalar_subquery().label("later"))
    )


def live_total(scope: str, now: datetime | None = None) -> int:
    """How many articles the public sees in ``scope`` right now, without counting the table."""
    now = now or utcnow()
    kind, _, ident = scope.partition(":")
    values = {"scope": scope, "now": now, "ident": int(ident) if ident else None}
    # The stories scheduled for later are counted here: an indexed range, few rows.
    stored, later = db.session.execute(stored_and_due_later(kind), values).one()
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
    now = utcnow()
    for scope in names:
        total, newest = session.execute(
            select(func.count(), newest_change(now)).where(counted(), scope_filter(scope))
        ).one()
        table = ListingCount.__table__
        values = {"total": total, "newest_at": newest}
        if scope in existing:
            session.execute(table.update().where(table.c.scope == scope).values(**values))
        else:
            session.execute(table.insert().values(scope=scope, **values))


def newest_change(now: datetime) -> ColumnElement[datetime | None]:
    """The newest of published_at and updated_at over the stories live at ``now``."""
    changed = case(
        (Article.updated_at > Article.published_at, Article.updated_at),
        else_=Article.published_at,
    )
    return func.max(case((Article.published_at <= now, changed), else_=None))


def recount_all(session: Session) -> None:
    """Recount every scope from scratch (after bulk writes, imports or the bench generator)."""
    session.execute(delete(ListingCount.__table__))
    rows: list[dict[str, Any]] = []
    newest = newest_change(utcnow())
    total, when = session.execute(select(func.count(), newest).where(counted())).one()
    rows.append({"scope": "all", "total": total or 0, "newest_at": when})
    for kind, column in (("category", Article.category_id), ("author", Article.author_id)):
        grouped = select(column, func.count(), newest).where(counted()).group_by(column)
        rows += [
            {"scope": f"{kind}:{key}", "total": n, "newest_at": when}
            for key, n, when in session.execute(grouped)
        ]
    rows = _with_coauthors(session, rows, newest)
    tagged = (
        select(article_tags.c.tag_id, func.count(), newest)
        .join(Article, Article.id == article_tags.c.article_id)
        .where(counted())
        .group_by(article_tags.c.tag_id)
    )
    rows += [
        {"scope": f"tag:{key}", "total": n, "newest_at": when}
        for key, n, when in session.execute(tagged)
    ]
    session.execute(ListingCount.__table__.insert(), rows)


def _with_coauthors(
    session: Session, rows: list[dict[str, Any]], newest: ColumnElement[datetime | None]
) -> list[dict[str, Any]]:
    """Add each co-author's co-written stories to their author total (never the author's own)."""
    totals = {row["scope"]: row for row in rows}
    cowritten = (
        select(ArticleCoauthor.user_id, func.count(), newest)
        .join(Article, Article.id == ArticleCoauthor.article_id)
        .where(counted(), Article.author_id != ArticleCoauthor.user_id)
        .group_by(ArticleCoauthor.user_id)
    )
    for user_id, number, when in session.execute(cowritten):
        scope = f"author:{user_id}"
        row = totals.setdefault(scope, {"scope": scope, "total": 0, "newest_at": None})
        row["total"] += number
        if when is not None and (row["newest_at"] is None or when > row["newest_at"]):
            row["newest_at"] = when
    return list(totals.values())


def note_went_live(session: Session, article_id: int) -> None:
    """A scheduled story went live by the clock: its scopes changed when it did (no recount
    ran, as its count did not change)."""
    row = session.execute(
        select(Article.published_at, Article.updated_at).where(Article.id == article_id)
    ).one_or_none()
    if row is None or row.published_at is None:
        return
    when = max(row.published_at, row.updated_at or row.published_at)
    table = ListingCount.__table__
    session.execute(
        table.update()
        .where(
            table.c.scope.in_(sorted(scopes_of(session, article_id))),
            or_(table.c.newest_at.is_(None), table.c.newest_at < when),
        )
        .values(newest_at=when)
    )


def scopes_of(session: Session, article_id: int) -> set[str]:
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
                pending.update(scopes_of(session, article.id))


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
