"""An article's history: the revisions kept at every save, their diffs, and restoring one."""

from __future__ import annotations

import difflib
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from techpulse.extensions import db
from techpulse.models import Article, Category, Image, Revision, User
from techpulse.services import audit
from techpulse.services.article_editor import (
    Content,
    checked_slug,
    current_content,
    move_slug,
    set_content,
    snapshot,
)


def article_revisions(article: Article) -> list[Revision]:
    """The article's revisions, newest first, with who saved each."""
    query = (
        select(Revision)
        .where(Revision.article_id == article.id)
        .options(joinedload(Revision.editor))
        .order_by(Revision.created_at.desc(), Revision.id.desc())
    )
    return list(db.session.scalars(query))


def revision_of(article: Article, revision_id: int) -> Revision | None:
    """One revision of ``article`` (None when it belongs to another article)."""
    query = select(Revision).where(Revision.id == revision_id, Revision.article_id == article.id)
    return db.session.scalar(query.options(joinedload(Revision.editor)))


def content_of(revision: Revision) -> Content:
    """The content a revision kept."""
    return Content(
        title=revision.title,
        slug=revision.slug,
        excerpt=revision.excerpt,
        body_md=revision.body_md,
        seo_title=revision.seo_title,
        seo_description=revision.seo_description,
        featured=revision.featured,
        category_id=revision.category_id,
        banner_id=revision.banner_id,
        tag_names=tuple(revision.tag_names),
    )


def described(content: Content) -> list[tuple[str, str]]:
    """The content's fields other than the body as (label, readable value) pairs."""
    category = db.session.get(Category, content.category_id) if content.category_id else None
    banner = db.session.get(Image, content.banner_id) if content.banner_id else None
    return [
        ("Title", content.title),
        ("Slug", content.slug),
        ("Excerpt", content.excerpt),
        ("Category", category.name if category else "(none)"),
        ("Tags", ", ".join(content.tag_names)),
        ("Banner", f"{banner.alt_text} (image {banner.id})" if banner else "(none)"),
        ("SEO title", content.seo_title),
        ("SEO description", content.seo_description),
        ("Featured", "yes" if content.featured else "no"),
    ]


def _as_text(content: Content) -> list[str]:
    fields = [f"{label}: {value}" for label, value in described(content)]
    return [*fields, "", *content.body_md.splitlines()]


def diff_lines(revision: Revision, article: Article) -> list[tuple[str, str]]:
    """A unified diff from the revision to the current article, as (kind, line) pairs.

    ``kind`` is "+" (only in the article now), "-" (only in the revision), "@" (a hunk
    header) or " " (context); the template escapes the lines.
    """
    diff = difflib.unified_diff(
        _as_text(content_of(revision)),
        _as_text(current_content(article)),
        fromfile=f"revision {revision.id}",
        tofile="current article",
        lineterm="",
    )
    lines = []
    for line in diff:
        kind = "@" if line.startswith(("---", "+++", "@@")) else line[:1]
        lines.append((kind, line))
    return lines


def restore_revision(article: Article, revision: Revision, editor: User) -> Article:
    """Set the article's content back exactly to ``revision`` and keep that as a new revision.

    Raises EditorialError when the revision's slug is now used by another article.
    """
    content = content_of(revision)
    if content.category_id is None:  # its category was deleted since: keep the current one
        content = replace(content, category_id=article.category_id)
    checked_slug(content.slug, content.title, article.id)
    old_slug, was_live = article.slug, article.is_live()
    set_content(article, content)
    db.session.flush()
    move_slug(article, old_slug, was_live)
    audit.record("article.restored", article.slug, f"revision {revision.id}")
    snapshot(article, editor, f"Restored revision {revision.id}")
    db.session.commit()
    return article
