"""What staff read about articles: the dashboard, the filtered list, form choices, previews."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from techpulse.clock import utcnow
from techpulse.extensions import db
from techpulse.markup.markdown import excerpt, lead_text
from techpulse.models import Article, Category, Image, Role, Status, Tag, User
from techpulse.services.editorial.article_input import ArticleInput
from techpulse.services.editorial.story_images import render_story
from techpulse.slugs import slugify

EDITOR_LOADS = (
    joinedload(Article.category),
    joinedload(Article.author),
    joinedload(Article.banner),
    joinedload(Article.social_image),
    selectinload(Article.tags),
    selectinload(Article.coauthor_links),
)


def status_counts() -> dict[str, int]:
    """Articles per status; a scheduled article whose time has come counts as published."""
    counts = {status.value: 0 for status in Status if status != Status.TRASHED}
    rows = db.session.execute(select(Article.status, func.count()).group_by(Article.status))
    counts.update({status: number for status, number in rows if status in counts})
    due = select(func.count()).where(
        Article.status == Status.SCHEDULED.value, Article.published_at <= utcnow()
    )
    moved = db.session.scalar(due) or 0
    counts[Status.SCHEDULED.value] -= moved
    counts[Status.PUBLISHED.value] += moved
    return counts


def awaiting_review(limit: int = 10) -> list[Article]:
    """Articles their authors submitted for review, oldest first."""
    query = (
        select(Article)
        .where(Article.status == Status.REVIEW.value)
        .options(joinedload(Article.author))
        .order_by(Article.updated_at)
    )
    return list(db.session.scalars(query.limit(limit)))


def upcoming(limit: int = 10) -> list[Article]:
    """Scheduled articles not yet live, soonest first."""
    query = (
        select(Article)
        .where(Article.status == Status.SCHEDULED.value, Article.published_at > utcnow())
        .options(joinedload(Article.author))
        .order_by(Article.published_at)
    )
    return list(db.session.scalars(query.limit(limit)))


@dataclass(frozen=True)
class ArticleFilters:
    """The list page's filters; empty values filter nothing."""

    q: str = ""
    status: str = ""
    category_id: int | None = None
    author_id: int | None = None


def staff_articles(
    user: User, filters: ArticleFilters, page: int, per_page: int = 20
) -> Pagination:
    """Articles ``user`` may see in the staff area (authors: their own), last updated first."""
    query = select(Article).options(joinedload(Article.category), joinedload(Article.author))
    if not user.has_role(Role.EDITOR):
        query = query.where(Article.author_id == user.id)
    elif filters.author_id:
        query = query.where(Article.author_id == filters.author_id)
    if filters.category_id:
        query = query.where(Article.category_id == filters.category_id)
    if filters.q.strip():
        query = query.where(Article.title.icontains(filters.q.strip(), autoescape=True))
    now = utcnow()
    if filters.status == Status.PUBLISHED:
        query = query.where(Article.live(now))
    elif filters.status == Status.SCHEDULED:
        query = query.where(Article.status == filters.status, Article.published_at > now)
    elif filters.status:
        query = query.where(Article.status == filters.status)
    else:
        query = query.where(Article.status != Status.TRASHED.value)
    query = query.order_by(Article.updated_at.desc(), Article.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def article_for_editing(article_id: int) -> Article | None:
    """One article with everything the editor's pages show."""
    return db.session.scalar(select(Article).where(Article.id == article_id).options(*EDITOR_LOADS))


def authors() -> list[User]:
    """Everyone who has written an article, by name, for the list filter."""
    query = select(User).where(User.id.in_(select(Article.author_id))).order_by(User.name)
    return list(db.session.scalars(query))


def staff_people() -> list[User]:
    """Everyone a story can be by (staff accounts, imported authors), by name."""
    return list(db.session.scalars(select(User).order_by(User.name, User.id)))


def banner_choices(current: Image | None, limit: int = 40) -> list[Image]:
    """The most recent images (and the current banner) to pick a banner from."""
    query = select(Image).where(Image.trashed_at.is_(None))
    query = query.order_by(Image.created_at.desc(), Image.id.desc()).limit(limit)
    images = list(db.session.scalars(query))
    if current is not None and current not in images:
        images.insert(0, current)
    return images


@dataclass(frozen=True)
class Preview:
    """An unsaved article, shaped like one for the public article template."""

    title: str
    excerpt: str
    body_html: str
    reading_minutes: int
    published_at: datetime
    category: Category | None
    author: User
    banner: Image | None
    tags: list[Tag]
    bylines: list[User]


def preview_article(article: Article | None, data: ArticleInput, editor: User) -> Preview:
    """Render the typed article like the public page would, without saving anything."""
    rendered = render_story(data.body_md)
    banner_id = data.banner_id if data.upload is None else None
    names = {slugify(name): " ".join(name.split()) for name in data.tag_names if name.strip()}
    return Preview(
        title=" ".join(data.title.split()),
        excerpt=data.excerpt.strip() or excerpt(lead_text(rendered.html)),
        body_html=rendered.html,
        reading_minutes=rendered.reading_minutes,
        published_at=(article.published_at if article else None) or utcnow(),
        category=db.session.get(Category, data.category_id),
        author=article.author if article else editor,
        banner=db.session.get(Image, banner_id) if banner_id else None,
        tags=[Tag(name=name, slug=slug) for slug, name in sorted(names.items())],
        bylines=article.bylines if article else [editor],
    )


def preview_of_saved(article: Article) -> Preview:
    """A saved story (draft or not) shaped for the public article template (its loads done)."""
    return Preview(
        title=article.title,
        excerpt=article.excerpt,
        body_html=article.body_html,
        reading_minutes=article.reading_minutes,
        published_at=article.published_at or article.target_at or utcnow(),
        category=article.category,
        author=article.author,
        banner=article.banner,
        tags=list(article.tags),
        bylines=article.bylines,
    )
