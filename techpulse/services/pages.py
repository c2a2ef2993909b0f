"""Static pages (About and others): every read and write, in one place (About keeps its slug)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask import g
from sqlalchemy import Row, select

from techpulse.extensions import db
from techpulse.field_errors import FieldError
from techpulse.markup import render_markdown
from techpulse.models import Page
from techpulse.services import audit
from techpulse.serving.fragments import shared
from techpulse.slugs import is_valid_slug, unique_slug

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


def footer_pages() -> Sequence[Row[tuple[str, str]]]:
    """(slug, title) of the pages staff chose to link from the footer, by title.

    Loaded once per request, or once per generation.
    """
    if "footer_pages" not in g:
        g.footer_pages = shared("footer-pages", _footer_pages)
    return g.footer_pages


def _footer_pages() -> Sequence[Row[tuple[str, str]]]:
    query = select(Page.slug, Page.title).where(Page.in_footer.is_(True), Page.slug != "about")
    return db.session.execute(query.order_by(Page.title)).all()


def page_by_slug(slug: str) -> Page | None:
    """The static page at ``slug``."""
    return db.session.scalar(select(Page).where(Page.slug == slug))


def page_by_id(page_id: int) -> Page | None:
    """The static page with this id."""
    return db.session.get(Page, page_id)


def all_pages() -> list[Page]:
    """Every static page, by title."""
    return list(db.session.scalars(select(Page).order_by(Page.title)))


def slug_is_fixed(page: Page | None) -> bool:
    """Whether this page's slug is part of a fixed public address (About)."""
    return page is not None and page.slug in FIXED_SLUGS


def preview_html(body_md: str) -> str:
    """The sanitized HTML a body would be saved as, for a preview that saves nothing."""
    return render_markdown(body_md).html


def _set_body(page: Page, body_md: str) -> None:
    page.body_md = body_md
    page.body_html = render_markdown(body_md).html


def _slug(page: Page | None, fields: PageFields) -> str:
    """The slug asked for, or one made from the title (like articles) when left empty."""
    if page is not None and slug_is_fixed(page):
        return page.slug
    if fields.slug:
        return fields.slug
    return unique_slug(Page.slug, fields.title, exclude_id=page.id if page else None)


def _check_slug(page: Page | None, slug: str) -> None:
    if not is_valid_slug(slug):
        raise FieldError("slug", "Use lower-case letters, digits and single hyphens.")
    taken = select(Page.id).where(Page.slug == slug)
    if page is not None:
        taken = taken.where(Page.id != page.id)
    if db.session.scalar(taken.limit(1)) is not None:
        raise FieldError("slug", "Another page already uses this slug.")


def update_page(page: Page, fields: PageFields) -> Page:
    """Save an edited page (fixed slugs stay), record it in the audit log and commit."""
    slug = _slug(page, fields)
    _check_slug(page, slug)
    before = {"title": page.title, "slug": page.slug, "body": page.body_md,
              "footer": page.in_footer}  # fmt: skip
    page.title = " ".join(fields.title.split())
    page.slug = slug
    page.seo_description = " ".join(fields.seo_description.split())
    page.in_footer = fields.in_footer
    _set_body(page, fields.body_md)
    after = {"title": page.title, "slug": page.slug, "body": page.body_md,
             "footer": page.in_footer}  # fmt: skip
    changed = [name for name in before if before[name] != after[name]]
    audit.record("page.updated", page.slug, ", ".join(changed) or "no content change")
    db.session.commit()
    return page


def create_page(fields: PageFields) -> Page:
    """Create a new static page, record it and commit."""
    slug = _slug(None, fields)
    _check_slug(None, slug)
    title = " ".join(fields.title.split())
    seo = " ".join(fields.seo_description.split())
    page = Page(slug=slug, title=title, seo_description=seo, in_footer=fields.in_footer)
    _set_body(page, fields.body_md)
    db.session.add(page)
    audit.record("page.created", page.slug, title)
    db.session.commit()
    return page
