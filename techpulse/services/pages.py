"""Static pages (About and others): every read and write, in one place (About keeps its slug).

A page is published (everyone reads it) or a draft: a 404 for visitors, shown to staff with
a notice, and linked from nowhere (footer, navigation, sitemap) until it is published.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from flask import g
from sqlalchemy import Row, Select, select

from techpulse.extensions import db
from techpulse.models import Page, PageRevision, User
from techpulse.policy import can_read_draft_page
from techpulse.services import audit, page_history
from techpulse.services.editorial.story_images import (
    check_story_images,
    record_page_images,
    render_story,
)
from techpulse.slugs import is_valid_slug, slug_rule, typed_slug, unique_slug
from techpulse.web.field_errors import FieldError

# Pages the public site links to by a fixed address; their slug cannot change.
FIXED_SLUGS = frozenset({"about"})


@dataclass(frozen=True)
class PageFields:
    """What the page form edits."""

    title: str
    slug: str
    body_md: str
    seo_description: str = ""
    in_footer: bool = False
    published: bool = True
    base_revision: int | None = None  # the version the editor started from (conflict check)


def _linked_pages() -> Sequence[Row[tuple[str, str, bool]]]:
    """(slug, title, published) of the pages the layout links to: About, and footer pages.

    Loaded once per request (or shared by a generation: ``serving/fragments``).
    """
    if "linked_pages" not in g:
        g.linked_pages = load_linked_pages()
    return g.linked_pages


def load_linked_pages() -> Sequence[Row[tuple[str, str, bool]]]:
    """(slug, title, published) of About and the footer pages, read now."""
    return db.session.execute(_linked_pages_query()).all()


@cache
def _linked_pages_query() -> Select[tuple[str, str, bool]]:
    """Built once: every worker reads it after every write."""
    linked = (Page.in_footer.is_(True)) | (Page.slug == "about")
    query = select(Page.slug, Page.title, Page.published).where(linked, Page.trashed_at.is_(None))
    return query.order_by(Page.title)


def footer_pages() -> list[Row[tuple[str, str, bool]]]:
    """(slug, title) of the published pages staff chose to link from the footer, by title."""
    if "footer_pages" not in g:  # set to [] when the database is unavailable
        g.footer_pages = [
            page for page in _linked_pages() if page.published and page.slug != "about"
        ]
    return g.footer_pages


def about_is_draft() -> bool:
    """Whether the About page is a draft (its header, footer and sidebar links are left out)."""
    if "about_is_draft" not in g:
        g.about_is_draft = any(
            page.slug == "about" and not page.published for page in _linked_pages()
        )
    return g.about_is_draft


def page_by_slug(slug: str) -> Page | None:
    """The static page at ``slug``, published or not (for staff), unless it is in the trash."""
    return db.session.scalar(select(Page).where(Page.slug == slug, Page.trashed_at.is_(None)))


def readable_page(slug: str, reader: User | None) -> Page | None:
    """The page at ``slug`` if ``reader`` (None: a visitor) may read it; drafts only for staff."""
    page = page_by_slug(slug)
    if page is None or (not page.published and not can_read_draft_page(reader)):
        return None
    return page


def public_pages() -> list[tuple[str, datetime]]:
    """(slug, last change) of every published page, for the sitemap."""
    query = select(Page.slug, Page.updated_at).where(
        Page.published.is_(True), Page.trashed_at.is_(None)
    )
    query = query.order_by(Page.id)
    return [(slug, updated) for slug, updated in db.session.execute(query)]


def page_by_id(page_id: int) -> Page | None:
    """The static page with this id."""
    return db.session.get(Page, page_id)


def all_pages(q: str = "", status: str = "") -> list[Page]:
    """Every static page not in the trash, by title; searched by title, filtered by status."""
    query = select(Page).where(Page.trashed_at.is_(None))
    if words := q.strip():
        query = query.where(Page.title.icontains(words, autoescape=True))
    if status in ("published", "draft"):
        query = query.where(Page.published.is_(status == "published"))
    return list(db.session.scalars(query.order_by(Page.title)))


def slug_is_fixed(page: Page | None) -> bool:
    """Whether this page's slug is part of a fixed public address (About)."""
    return page is not None and page.slug in FIXED_SLUGS


def preview_html(body_md: str) -> str:
    """The sanitized HTML a body would be saved as, for a preview that saves nothing."""
    return render_story(body_md).html


def set_body(page: Page, body_md: str) -> None:
    """Store the Markdown body, its HTML (library images placed) and which images it shows.

    The page editor and importers both save bodies here; ``page`` must be in the session.
    """
    page.body_md = body_md
    page.body_html = render_story(body_md).html
    record_page_images(page, body_md)


def _check_images(body_md: str) -> None:
    """Library images in the body need alt text and must be in the library (form errors)."""
    try:
        check_story_images(body_md)
    except FieldError as error:
        raise FieldError("body_md", error.message) from error


def _slug(page: Page | None, fields: PageFields) -> str:
    """The slug asked for, or one made from the title (like articles) when left empty."""
    if page is not None and slug_is_fixed(page):
        return page.slug
    if typed_slug(fields.slug):
        return typed_slug(fields.slug)
    return unique_slug(Page.slug, fields.title, exclude_id=page.id if page else None)


def _check_slug(page: Page | None, slug: str) -> None:
    if not is_valid_slug(slug):
        raise FieldError("slug", slug_rule("our-services"))
    taken = select(Page.id).where(Page.slug == slug)
    if page is not None:
        taken = taken.where(Page.id != page.id)
    if db.session.scalar(taken.limit(1)) is not None:
        raise FieldError("slug", "Another page already uses this slug.")


def update_page(page: Page, fields: PageFields, editor: User | None = None) -> Page:
    """Save an edited page (fixed slugs stay) with its revision and audit event, and commit.

    Raises EditConflict when someone saved since ``fields.base_revision``, FieldError on bad
    input; nothing is changed then.
    """
    page_history.check_version(page, fields.base_revision)
    slug = _slug(page, fields)
    _check_slug(page, slug)
    _check_images(fields.body_md)
    before = _audited(page)
    page.title = " ".join(fields.title.split())
    page.slug = slug
    page.seo_description = " ".join(fields.seo_description.split())
    page.in_footer = fields.in_footer
    page.published = fields.published
    set_body(page, fields.body_md)
    after = _audited(page)
    changed = [name for name in before if before[name] != after[name]]
    audit.record("page.updated", page.slug, ", ".join(changed) or "no content change")
    if before["published"] != after["published"]:
        audit.record("page.published" if page.published else "page.unpublished", page.slug)
    page_history.snapshot(page, editor, "Saved")
    db.session.commit()
    return page


def restore_page_revision(page: Page, revision: PageRevision, editor: User) -> Page:
    """Set the page back to ``revision``, kept as a new revision; refused like a save would be.

    Raises FieldError when the revision's slug is taken now or its body shows images no
    longer in the library (they are named).
    """
    slug = page.slug if slug_is_fixed(page) else revision.slug
    _check_slug(page, slug)
    _check_images(revision.body_md)
    page.title, page.slug, page.seo_description = revision.title, slug, revision.seo_description
    page.in_footer, page.published = revision.in_footer, revision.published
    set_body(page, revision.body_md)
    audit.record("page.restored", page.slug, f"revision {revision.id}")
    page_history.snapshot(page, editor, f"Restored revision {revision.id}")
    db.session.commit()
    return page


def _audited(page: Page) -> dict[str, object]:
    """What the audit log compares before and after a save."""
    return {"title": page.title, "slug": page.slug, "body": page.body_md,
            "footer": page.in_footer, "published": page.published}  # fmt: skip


def create_page(fields: PageFields, editor: User | None = None) -> Page:
    """Create a new static page, record it (audit log, first revision) and commit."""
    slug = _slug(None, fields)
    _check_slug(None, slug)
    _check_images(fields.body_md)
    title = " ".join(fields.title.split())
    seo = " ".join(fields.seo_description.split())
    page = Page(
        slug=slug,
        title=title,
        seo_description=seo,
        in_footer=fields.in_footer,
        published=fields.published,
    )
    db.session.add(page)
    set_body(page, fields.body_md)
    audit.record("page.created", page.slug, title if page.published else f"{title} (draft)")
    page_history.snapshot(page, editor, "Created")
    db.session.commit()
    return page
