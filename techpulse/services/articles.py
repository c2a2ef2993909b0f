"""Public reads of articles: the only way the public site loads them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import g
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import defer, joinedload, selectinload

from techpulse.clock import utcnow
from techpulse.extensions import db
from techpulse.models import Article, Category, SlugRedirect, Tag, User, article_tags
from techpulse.pagination import IndexedPagination
from techpulse.services import listing_counts

CARD_LOADS = (
    joinedload(Article.category),
    joinedload(Article.author),
    joinedload(Article.banner),
)
# A card or a row never shows the body: lists leave the big columns in the database.
CARD_COLUMNS = (defer(Article.body_md, raiseload=True), defer(Article.body_html, raiseload=True))
# How many of the newest stories in the category and in the tags are ranked as related.
RELATED_CANDIDATES = 24


def _live() -> Select[tuple[Article]]:
    """Live articles, newest first, with what a card shows loaded in the same query."""
    query = select(Article).where(Article.live(utcnow())).options(*CARD_LOADS, *CARD_COLUMNS)
    return _newest_first(query)


def published_articles(
    page: int = 1,
    per_page: int = 10,
    *,
    category: Category | None = None,
    tag: Tag | None = None,
    author: User | None = None,
    exclude_id: int | None = None,
) -> Pagination:
    """One page of live articles, optionally within a category, tag or author."""
    ids, scope = _newest_first(select(Article.id).where(Article.live(utcnow()))), "all"
    if category is not None:
        ids, scope = ids.where(Article.category_id == category.id), f"category:{category.id}"
    if author is not None:
        ids, scope = ids.where(Article.author_id == author.id), f"author:{author.id}"
    if tag is not None:
        ids, scope = ids.where(Article.tags.any(Tag.id == tag.id)), f"tag:{tag.id}"
    if exclude_id is not None:
        ids = ids.where(Article.id != exclude_id)

    def load(page_ids: Select[tuple[int]]) -> list[Article]:
        return list(db.session.scalars(_live().where(Article.id.in_(page_ids))).unique())

    def total() -> int:
        # The left-out story (the home page's hero) is always a live one in this scope.
        return max(0, listing_counts.live_total(scope) - (exclude_id is not None))

    return IndexedPagination(
        page=page, per_page=per_page, error_out=False, ids=ids, load=load, counter=total
    )


def _newest_first(query: Select[Any]) -> Select[Any]:
    return query.order_by(Article.published_at.desc(), Article.id.desc())


def recent_articles(limit: int = 5, exclude_id: int | None = None) -> list[Article]:
    """The ``limit`` most recently published live articles, leaving out ``exclude_id``."""
    if limit <= 0:
        return []
    query = _live() if exclude_id is None else _live().where(Article.id != exclude_id)
    return list(db.session.scalars(query.limit(limit)).unique())


def featured_article() -> Article | None:
    """The newest live article marked featured, else the newest live article."""
    featured = db.session.scalars(_live().where(Article.featured.is_(True)).limit(1)).first()
    return featured or next(iter(recent_articles(1)), None)


@dataclass(frozen=True)
class ArticleLookup:
    """The result of looking up a public article URL."""

    article: Article | None = None
    redirect_to: str | None = None


def article_by_slug(slug: str) -> ArticleLookup:
    """The live article at ``slug``, or the slug it moved to, or nothing."""
    query = select(Article).where(Article.slug == slug, Article.live(utcnow()))
    article = db.session.scalars(query.options(*CARD_LOADS, selectinload(Article.tags))).first()
    if article is not None:
        return ArticleLookup(article=article)
    moved = select(Article.slug).join(SlugRedirect, SlugRedirect.article_id == Article.id)
    new_slug = db.session.scalar(moved.where(SlugRedirect.old_slug == slug, Article.live()))
    return ArticleLookup(redirect_to=new_slug)


def related_articles(article: Article, limit: int = 3) -> list[Article]:
    """Up to ``limit`` live articles sharing the category or a tag, most shared tags first.

    Only the newest stories of the category and of the tags are ranked, so the cost does
    not grow with the size of the site.
    """
    tag_ids = [tag.id for tag in article.tags]
    newest = (
        select(Article.id)
        .where(Article.live(utcnow()), Article.id != article.id)
        .order_by(Article.published_at.desc(), Article.id.desc())
        .limit(RELATED_CANDIDATES)
    )
    arms = [newest.where(Article.category_id == article.category_id)]
    if tag_ids:
        arms.append(newest.where(Article.tags.any(Tag.id.in_(tag_ids))))
    candidates = [select(arm.subquery().c.id) for arm in arms]
    candidate_ids = candidates[0].union(*candidates[1:]) if len(candidates) > 1 else candidates[0]
    shared = (
        select(func.count())
        .select_from(article_tags)
        .where(article_tags.c.article_id == Article.id, article_tags.c.tag_id.in_(tag_ids))
        .correlate(Article)
        .scalar_subquery()
    )
    query = _live().where(Article.id.in_(candidate_ids))
    query = query.order_by(None).order_by(shared.desc(), Article.published_at.desc())
    return list(db.session.scalars(query.limit(limit)).unique())


def adjacent_articles(article: Article) -> tuple[Article | None, Article | None]:
    """The live articles published just before and just after ``article``."""
    when, ident = article.published_at, article.id
    # The first condition alone is an index range; the second breaks ties on the id.
    older = _live().where(
        Article.published_at <= when,
        or_(Article.published_at < when, and_(Article.published_at == when, Article.id < ident)),
    )
    newer = _live().order_by(None).order_by(Article.published_at, Article.id)
    newer = newer.where(
        Article.published_at >= when,
        or_(Article.published_at > when, and_(Article.published_at == when, Article.id > ident)),
    )
    return (
        db.session.scalars(older.limit(1)).first(),
        db.session.scalars(newer.limit(1)).first(),
    )


def category_by_slug(slug: str) -> Category | None:
    """The category at ``slug``."""
    return db.session.scalar(select(Category).where(Category.slug == slug))


def tag_by_slug(slug: str) -> Tag | None:
    """The tag at ``slug``."""
    return db.session.scalar(select(Tag).where(Tag.slug == slug))


def author_by_slug(slug: str) -> User | None:
    """The staff member at ``slug``."""
    return db.session.scalar(select(User).where(User.slug == slug))


def navigation_categories() -> list[Category]:
    """Categories with a live story, for the header and footer, in order (once per request)."""
    if "navigation_categories" not in g:
        has_live = select(Article.id).where(
            Article.category_id == Category.id, Article.live(utcnow())
        )
        query = select(Category).where(has_live.exists()).order_by(Category.position, Category.name)
        g.navigation_categories = list(db.session.scalars(query))
    return g.navigation_categories


def all_categories() -> list[Category]:
    """Every category in navigation order (position, then name)."""
    return list(db.session.scalars(select(Category).order_by(Category.position, Category.name)))
