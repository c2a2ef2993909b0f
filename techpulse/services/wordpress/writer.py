"""The importer's only door to the article write path and the page service.

Everything the import changes in articles and pages goes through these functions (built
from ``services/article_editor.py``'s own steps: set_content, move_slug, a revision), so
when the write path changes, only this module follows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from techpulse.extensions import db
from techpulse.models import Article, Page
from techpulse.services import audit
from techpulse.services.editorial.article_editor import move_slug, set_content
from techpulse.services.editorial.revisions import Content, current_content, snapshot
from techpulse.services.pages import set_body
from techpulse.slugs import unique_slug

NOTE = "Imported from WordPress"


@dataclass(frozen=True)
class ArticleFields:
    """An article as the export describes it, ready for the write path."""

    wordpress_id: int | None
    title: str
    slug: str
    excerpt: str  # "" lets the write path derive it from the body
    body: str
    category_id: int
    banner_id: int | None
    tag_names: tuple[str, ...]
    author_id: int
    status: str
    published_at: datetime | None
    created_at: datetime
    modified_at: datetime | None = None  # the old site's last change (post_modified_gmt)
    ghost_id: str | None = None  # set instead of wordpress_id by the Ghost import

    def content(self, article: Article) -> Content:
        """The write path's content for ``article`` (staff's "featured" choice is kept)."""
        return Content(
            title=self.title,
            slug=self.slug,
            excerpt=self.excerpt,
            body_md=self.body,
            seo_title=article.seo_title or "",
            seo_description=article.seo_description or "",
            featured=bool(article.featured),
            category_id=self.category_id,
            banner_id=self.banner_id,
            tag_names=self.tag_names,
        )


def article_for(wordpress_id: int) -> Article | None:
    """The article imported from this WordPress post, if any."""
    query = select(Article).options(selectinload(Article.tags))
    return db.session.scalar(query.where(Article.wordpress_id == wordpress_id))


def free_article_slug(wanted: str, own: Article | None) -> str:
    """``wanted`` (a valid slug) or the first free ``wanted-2``, ``wanted-3``…"""
    return unique_slug(Article.slug, wanted, exclude_id=own.id if own else None)


def article_unchanged(article: Article, fields: ArticleFields) -> bool:
    """Whether saving ``fields`` would change nothing."""
    # Without a WordPress excerpt the write path derives one from the body (compared there).
    current = current_content(article)
    content = replace(fields.content(article), excerpt=fields.excerpt or current.excerpt)
    state = (article.status, article.published_at, article.author_id)
    wanted = (fields.status, fields.published_at, fields.author_id)
    modified = fields.modified_at is None or article.updated_at == fields.modified_at
    return modified and current == content and state == wanted


def save_article(article: Article | None, fields: ArticleFields) -> Article:
    """Create or update the article through the write path (flushed, not committed)."""
    if article is None:
        article = Article(
            wordpress_id=fields.wordpress_id,
            ghost_id=fields.ghost_id,
            author_id=fields.author_id,
            category_id=fields.category_id,
            status=fields.status,
            tags=[],
            created_at=fields.created_at,
        )
    old_slug, was_live = article.slug, article.is_live()
    db.session.add(article)
    # The row is complete only after set_content, which flushes it itself to record the
    # library images the body shows (article_images), as for a story saved in the editor.
    with db.session.no_autoflush:
        set_content(article, fields.content(article))
    article.author_id = fields.author_id
    article.status, article.published_at = fields.status, fields.published_at
    db.session.flush()
    move_slug(article, old_slug, was_live)
    ghost = fields.ghost_id
    origin = f"Ghost post {ghost}" if ghost else f"WordPress post {fields.wordpress_id}"
    audit.record("article.imported", article.slug, origin)
    snapshot(article, None, "Imported from Ghost" if fields.ghost_id else NOTE)
    if fields.modified_at is not None:  # "updated" on the old site, not the time of the import
        article.updated_at = fields.modified_at
    db.session.flush()
    return article


def page_for(wordpress_id: int) -> Page | None:
    """The static page imported from this WordPress page, if any."""
    return db.session.scalar(select(Page).where(Page.wordpress_id == wordpress_id))


def free_page_slug(wanted: str, own: Page | None) -> str:
    """``wanted`` or the first free ``wanted-2``… among static pages."""
    return unique_slug(Page.slug, wanted, exclude_id=own.id if own else None)


@dataclass(frozen=True)
class ImportedPage:
    """A static page as the export describes it."""

    slug: str
    title: str
    body: str
    published: bool  # False: a draft, seen only by staff


def page_unchanged(page: Page, fields: ImportedPage) -> bool:
    """Whether saving ``fields`` would change nothing."""
    current = (page.slug, page.title, page.body_md, page.published)
    return current == (fields.slug, fields.title, fields.body, fields.published)


def save_imported_page(
    page: Page | None, wordpress_id: int | None, fields: ImportedPage, origin: str = ""
) -> Page:
    """Create or update a static page as the page editor stores it (flushed, not committed).

    A new page from another source (Ghost) is created by the caller, with ``origin`` named.
    """
    if page is None:
        page = Page(wordpress_id=wordpress_id, seo_description="")
        db.session.add(page)
    page.slug, page.title, page.published = fields.slug, fields.title, fields.published
    set_body(page, fields.body)  # as the page editor saves it: images placed and recorded
    state = "" if fields.published else ", a draft"
    origin = origin or f"WordPress page {wordpress_id}"
    audit.record("page.imported", page.slug, f"{origin}{state}")
    db.session.flush()
    return page
