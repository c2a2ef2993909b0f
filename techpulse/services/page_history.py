"""Static pages' history: a revision at every save, the conflict check, diffs and restore.

Like an article's, so a page editor gets the same protections: two people editing one page
see each other's save instead of silently overwriting it, and any saved version comes back.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from techpulse.extensions import db
from techpulse.models import Page, PageRevision, User
from techpulse.services.editorial.article_input import EditConflict
from techpulse.services.editorial.revisions import marked_diff

KEPT = ("title", "slug", "seo_description", "body_md", "in_footer", "published")


def snapshot(page: Page, editor: User | None, note: str) -> PageRevision:
    """Keep the page's current content as a new revision (added, not committed)."""
    revision = PageRevision(
        page_id=page.id,
        editor_id=editor.id if editor else None,
        note=note[:120],
        **{name: getattr(page, name) for name in KEPT},
    )
    db.session.add(revision)
    return revision


def latest_revision_id(page: Page) -> int | None:
    """The id of the page's newest revision: the version an editor starts from."""
    query = select(func.max(PageRevision.id)).where(PageRevision.page_id == page.id)
    return db.session.scalar(query)


def check_version(page: Page, base_revision: int | None) -> None:
    """Raise EditConflict when someone saved the page after the version the editor opened."""
    if base_revision is None:
        return
    latest = latest_revision_id(page)
    if latest is not None and latest != base_revision:
        raise EditConflict(latest)


def page_revisions(page: Page) -> list[PageRevision]:
    """The page's revisions, newest first, with who saved each."""
    query = (
        select(PageRevision)
        .where(PageRevision.page_id == page.id)
        .options(joinedload(PageRevision.editor))
        .order_by(PageRevision.id.desc())
    )
    return list(db.session.scalars(query))


def revision_of(page: Page, revision_id: int) -> PageRevision | None:
    """One revision of ``page`` (None when it belongs to another page)."""
    query = select(PageRevision).where(
        PageRevision.id == revision_id, PageRevision.page_id == page.id
    )
    return db.session.scalar(query.options(joinedload(PageRevision.editor)))


def described(source: Page | PageRevision) -> list[tuple[str, str]]:
    """The fields other than the body, as (label, readable value) pairs."""
    return [
        ("Title", source.title),
        ("Slug", source.slug),
        ("SEO description", source.seo_description),
        ("Linked from the footer", "yes" if source.in_footer else "no"),
        ("Status", "published" if source.published else "draft"),
    ]


def _as_text(source: Page | PageRevision) -> list[str]:
    return [f"{label}: {value}" for label, value in described(source)] + [
        "",
        *source.body_md.splitlines(),
    ]


def diff_lines(revision: PageRevision, page: Page) -> list[tuple[str, str]]:
    """What changed from the revision to the page as it is now, as (kind, line) pairs."""
    return marked_diff(
        _as_text(revision), _as_text(page), f"revision {revision.id}", "current page"
    )


def changes_since(revision_id: int | None, page: Page) -> list[tuple[str, str]]:
    """What was saved to the page after revision ``revision_id`` (empty when unknown)."""
    revision = revision_of(page, revision_id) if revision_id else None
    return diff_lines(revision, page) if revision is not None else []
