"""Public reads of articles: the only way the public site loads them."""

from __future__ import annotations

from dataclasses import dataclass

from flask import g
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from techpulse.clock import utcnow
from techpulse.extensions import db
from techpulse.models import Article, Category, SlugRedirect, Tag, User, article_tags

CARD_LOADS = (
    joinedload(Article.category),
    joinedload(Article.author),
    joinedload(Article.banner),
)


def _live() -> Select[tuple[Article]]:
    """Live articles, newest first, with what a card shows loaded in the same query."""
    return (
        select(Article)
        .where(Article.live(utcnow()))
        .options(*CARD_LOADS)
        .order_by(Article.published_at.desc(), Article.id.desc())
    )


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
    query = _live()
    if category is not None:
        query = query.where(Article.category_id == category.id)
    if author is not None:
        query = query.where(Article.author_id == author.id)
    if tag is not None:
        query = query.where(Article.tags.any(Tag.id == tag.id))
    if exclude_id is not None:
        query = query.where(Article.id != exclude_id)
    return db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)


def recent_articles(limit: int = 5, exclude_id: int | None = None) -> list[Article]:
    """The ``limit`` most recently published live articles, leaving out ``exclude_id``."""
    if limit <= 0:
        return []
    query = _live() if exclude_id is None else _live().where(Article.id != exclude_id)
    return list(db.session.scalars(query.limit(limit)).unique())


def featured_article() -> Article | None:
    """The newest live article marked featured, else the newest live article."""
    query = (
        _live()
        .order_by(None)
        .order_by(Article.featured.desc(), Article.published_at.desc(), Article.id.desc())
    )
    return db.session.scalars(query.limit(1)).first()


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
    """Up to ``limit`` live articles sharing the category or a tag, most shared tags first."""
    tag_ids = [tag.id for tag in article.tags]
    shared = (
        select(func.count())
        .select_from(article_tags)
        .where(article_tags.c.article_id == Article.id, article_tags.c.tag_id.in_(tag_ids))
        .correlate(Article)
        .scalar_subquery()
    )
    related = Article.category_id == article.category_id
    if tag_ids:
        related = or_(related, Article.tags.any(Tag.id.in_(tag_ids)))
    query = _live().where(Article.id != article.id, related)
    query = query.order_by(None).order_by(shared.desc(), Article.published_at.desc())
    return list(db.session.scalars(query.limit(limit)).unique())


def adjacent_articles(article: Article) -> tuple[Article | None, Article | None]:
    """The live articles published just before and just after ``article``."""
    when, ident = article.published_at, article.id
    older = _live().where(
        or_(Article.published_at < when, (Article.published_at == when) & (Article.id < ident))
    )
    newer = _live().order_by(None).order_by(Article.published_at, Article.id)
    newer = newer.where(
        or_(Article.published_at > when, (Article.published_at == when) & (Article.id > ident))
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
