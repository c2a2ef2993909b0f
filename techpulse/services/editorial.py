"""Writes to articles and pages: every save derives HTML, excerpt and reading time once."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, or_, select

from techpulse.extensions import db
from techpulse.markup import excerpt, lead_text, render_markdown
from techpulse.models import (
    Article,
    Category,
    Image,
    Page,
    Status,
    Tag,
    User,
)
from techpulse.slugs import slugify, unique_slug


def apply_body(article: Article | Page, body_md: str) -> str:
    """Store ``body_md`` and its sanitized HTML (and reading time); return the plain text."""
    rendered = render_markdown(body_md)
    article.body_md = body_md
    article.body_html = rendered.html
    if isinstance(article, Article):
        article.reading_minutes = rendered.reading_minutes
    return rendered.text


def tags_from_names(names: Iterable[str]) -> list[Tag]:
    """The tags with these names, creating the missing ones (matched by slug or name)."""
    tags: dict[str, Tag] = {}
    for name in names:
        name = " ".join(name.split())[:60]
        slug = slugify(name)
        if not name or slug in tags:
            continue
        # A renamed tag keeps its name or its slug; either one means "this tag".
        same = or_(Tag.slug == slug, func.lower(Tag.name) == name.lower())
        tag = db.session.scalars(select(Tag).where(same).order_by(Tag.id)).first()
        if tag is None:
            tag = Tag(name=name, slug=slug)
            db.session.add(tag)
        tags[slug] = tag
    return list(dict.fromkeys(tags.values()))  # two names may find the same tag


def create_article(
    *,
    title: str,
    body_md: str,
    category: Category,
    author: User,
    excerpt_text: str = "",
    tags: Iterable[str] = (),
    banner: Image | None = None,
    status: Status | str = Status.DRAFT,
    published_at: datetime | None = None,
    featured: bool = False,
) -> Article:
    """Create an article (flushed, not committed) with its derived fields filled in."""
    article = Article(
        title=title,
        slug=unique_slug(Article.slug, title),
        category=category,
        author=author,
        banner=banner,
        status=Status(status).value,
        published_at=published_at,
        featured=featured,
        tags=tags_from_names(tags),
    )
    apply_body(article, body_md)
    article.excerpt = excerpt_text or excerpt(lead_text(article.body_html))
    db.session.add(article)
    db.session.flush()
    return article


def save_page(slug: str, title: str, body_md: str, seo_description: str = "") -> Page:
    """Create or update the static page at ``slug`` (flushed, not committed)."""
    page = db.session.scalar(select(Page).where(Page.slug == slug)) or Page(slug=slug)
    page.title = title
    page.seo_description = seo_description
    apply_body(page, body_md)
    db.session.add(page)
    db.session.flush()
    return page
