"""An article's history: its content snapshot, the revisions kept at every save, their diffs."""

from __future__ import annotations

import difflib
from dataclasses import asdict, dataclass, fields, replace

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from techpulse.extensions import db
from techpulse.models import Article, Category, Image, Revision, User


@dataclass(frozen=True)
class Content:
    """An article's editable content, as saved and as kept in a revision."""

    title: str
    slug: str
    excerpt: str
    body_md: str
    seo_title: str
    seo_description: str
    featured: bool
    category_id: int | None
    banner_id: int | None
    tag_names: tuple[str, ...]


def current_content(article: Article) -> Content:
    """The content the article has now (its tags loaded); an excerpt only if staff wrote it."""
    content = _content(article, tuple(sorted(tag.name for tag in article.tags)))
    return replace(content, excerpt=article.excerpt if article.excerpt_written else "")


def content_of(revision: Revision) -> Content:
    """The content a revision kept."""
    return _content(revision, tuple(revision.tag_names))


def _content(source: Article | Revision, tag_names: tuple[str, ...]) -> Content:
    """The editable fields of an article or a revision (the two share their names)."""
    names = [field.name for field in fields(Content) if field.name != "tag_names"]
    return Content(**{name: getattr(source, name) for name in names}, tag_names=tag_names)


def snapshot(article: Article, editor: User | None, note: str = "") -> Revision:
    """Keep the article's current content as a new revision (added, not committed)."""
    content = asdict(current_content(article))
    content["tag_names"] = list(content["tag_names"])
    revision = Revision(
        article_id=article.id, editor_id=editor.id if editor else None, note=note[:120], **content
    )
    db.session.add(revision)
    return revision


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


def described(content: Content) -> list[tuple[str, str]]:
    """The content's fields other than the body as (label, readable value) pairs."""
    category = db.session.get(Category, content.category_id) if content.category_id else None
    banner = db.session.get(Image, content.banner_id) if content.banner_id else None
    return [
        ("Title", content.title),
        ("Slug", content.slug),
        ("Excerpt", content.excerpt or "(the story's opening)"),
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
    old, new = _as_text(content_of(revision)), _as_text(current_content(article))
    return marked_diff(old, new, f"revision {revision.id}", "current article")


def marked_diff(
    old: list[str], new: list[str], old_name: str, new_name: str
) -> list[tuple[str, str]]:
    """A unified diff of two texts as (kind, line) pairs (articles and pages alike)."""
    diff = difflib.unified_diff(old, new, fromfile=old_name, tofile=new_name, lineterm="")
    return [("@" if line.startswith(("---", "+++", "@@")) else line[:1], line) for line in diff]


def latest_revision(article: Article) -> Revision | None:
    """The article's newest revision: its version, for the editor's conflict check."""
    query = (
        select(Revision)
        .options(joinedload(Revision.editor))
        .where(Revision.article_id == article.id)
        .order_by(Revision.id.desc())
        .limit(1)
    )
    return db.session.scalar(query)


def changes_since(revision_id: int, article: Article) -> list[tuple[str, str]]:
    """What was saved to the article after revision ``revision_id`` (empty when unknown)."""
    revision = revision_of(article, revision_id)
    return diff_lines(revision, article) if revision is not None else []
