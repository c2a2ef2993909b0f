"""What the article editor sends, and the checks that turn it into content to store.

Every check runs before anything changes, so a refused save leaves the article as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from flask import current_app
from sqlalchemy import func, select

from techpulse.clock import site_zone, utcnow
from techpulse.extensions import db
from techpulse.models import Article, Category, Image, Revision, User
from techpulse.services.editorial.revisions import Content
from techpulse.services.editorial.story_images import check_story_images
from techpulse.services.media.library import create_image
from techpulse.slugs import is_valid_slug, slug_rule, typed_slug, unique_slug
from techpulse.web.field_errors import FieldError

SLUG_RULE = slug_rule("my-first-story")


class Action(StrEnum):
    """What the editor asked for with the button they pressed."""

    SAVE = "save"
    SUBMIT = "submit"
    PUBLISH = "publish"
    SCHEDULE = "schedule"
    UNPUBLISH = "unpublish"


@dataclass(frozen=True)
class BannerUpload:
    """A banner file sent with the article form."""

    data: bytes
    filename: str
    alt_text: str


@dataclass(frozen=True)
class Extras:
    """The byline, link-preview and search-engine settings, and the planned date.

    ``author_id`` and ``coauthors`` None keep the byline (only editors change it); co-authors
    are names or e-mail addresses of staff, in byline order; ``target_at`` is naive, site time.
    """

    author_id: int | None = None
    coauthors: tuple[str, ...] | None = None
    social_title: str = ""
    social_description: str = ""
    social_image_id: int | None = None
    canonical_url: str = ""
    noindex: bool = False
    target_at: datetime | None = None


@dataclass(frozen=True)
class ArticleInput:
    """Everything the article form edits, as typed (``publish_at`` is naive, in site time)."""

    title: str
    body_md: str
    category_id: int
    slug: str = ""
    excerpt: str = ""
    tag_names: tuple[str, ...] = ()
    seo_title: str = ""
    seo_description: str = ""
    featured: bool = False
    banner_id: int | None = None
    upload: BannerUpload | None = None
    publish_at: datetime | None = None
    base_revision: int | None = None
    extras: Extras | None = None  # None: leave them as they are (calendar, bulk actions)


def input_from_article(article: Article, **changes: object) -> ArticleInput:
    """The article's current content as editor input (its tags loaded), with ``changes``."""
    values: dict[str, object] = {
        "title": article.title,
        "body_md": article.body_md,
        "category_id": article.category_id,
        "slug": article.slug,
        "excerpt": article.excerpt,
        "tag_names": tuple(tag.name for tag in article.tags),
        "seo_title": article.seo_title,
        "seo_description": article.seo_description,
        "featured": article.featured,
        "banner_id": article.banner_id,
    }
    return ArticleInput(**{**values, **changes})  # type: ignore[arg-type]


class EditConflict(Exception):
    """Someone else saved the article since this editor opened it."""

    def __init__(self, latest_revision_id: int) -> None:
        super().__init__(latest_revision_id)
        self.latest_revision_id = latest_revision_id


def check_version(article: Article, data: ArticleInput) -> None:
    """Raise EditConflict when the article moved on from the version the editor started from."""
    if data.base_revision is None:
        return
    latest = db.session.scalar(
        select(func.max(Revision.id)).where(Revision.article_id == article.id)
    )
    if latest is not None and latest != data.base_revision:
        raise EditConflict(latest)


def site_time_to_utc(local: datetime) -> datetime:
    """A wall-clock time typed in the site's time zone, as aware UTC."""
    aware = local if local.tzinfo else local.replace(tzinfo=site_zone())
    return aware.astimezone(UTC)


def checked_publish_time(data: ArticleInput, action: Action) -> datetime | None:
    """The UTC publication time asked for, after checking the story can go out.

    SCHEDULE needs a future time; PUBLISH and SAVE take a time already past as a backdate
    (a future one is ignored by PUBLISH: it publishes now).
    """
    if action in (Action.PUBLISH, Action.SCHEDULE) and not data.body_md.strip():
        raise FieldError("body", "Write the story before publishing it.")
    if action not in (Action.SCHEDULE, Action.PUBLISH, Action.SAVE):
        return None
    if data.publish_at is None:
        if action == Action.SCHEDULE:
            raise FieldError("publish_at", "Choose the date and time to publish at.")
        return None
    try:
        when = site_time_to_utc(data.publish_at)
    except OverflowError:  # e.g. year 1, which has no UTC equivalent east of Greenwich
        raise FieldError("publish_at", "Choose a date in the future.") from None
    if action == Action.PUBLISH:
        return when if when <= utcnow() else None
    if action == Action.SCHEDULE and when <= utcnow():
        zone = current_app.config["TIMEZONE"]
        raise FieldError("publish_at", f"Choose a time in the future ({zone} time).")
    return when


def checked_content(article: Article | None, data: ArticleInput, editor: User) -> Content:
    """Validate the input (slug, category, banner) into the content to store."""
    own_id = article.id if article is not None else None
    slug = checked_slug(data.slug, data.title, own_id)
    if db.session.get(Category, data.category_id) is None:
        raise FieldError("category", "Choose a category.")
    if data.upload is not None and not data.upload.alt_text.strip():
        message = "Describe the new banner in the alt text; screen readers read it aloud."
        raise FieldError("banner_alt", message)
    if data.banner_id and data.upload is None and db.session.get(Image, data.banner_id) is None:
        raise FieldError("banner_id", "That image is no longer in the library.")
    check_story_images(data.body_md)
    banner_id = _uploaded_banner(data.upload, editor) if data.upload else data.banner_id
    return Content(
        title=" ".join(data.title.split()),
        slug=slug,
        excerpt=data.excerpt.strip(),
        body_md=data.body_md,
        seo_title=data.seo_title.strip(),
        seo_description=data.seo_description.strip(),
        featured=data.featured,
        category_id=data.category_id,
        banner_id=banner_id or None,
        tag_names=tuple(name for name in data.tag_names if name.strip()),
    )


def _uploaded_banner(upload: BannerUpload, editor: User) -> int:
    try:
        image = create_image(
            upload.data, upload.alt_text, original_name=upload.filename, uploaded_by=editor
        )
    except FieldError as exc:
        raise FieldError("banner_file", exc.message) from exc
    return image.id


def checked_slug(requested: str, title: str, own_id: int | None) -> str:
    """The requested slug if valid and free, or one made from the title when empty."""
    requested = typed_slug(requested)
    if not requested:
        return unique_slug(Article.slug, title, exclude_id=own_id)
    if not is_valid_slug(requested):
        raise FieldError("slug", SLUG_RULE)
    taken = select(Article.id).where(Article.slug == requested)
    if own_id is not None:
        taken = taken.where(Article.id != own_id)
    if db.session.scalar(taken.limit(1)) is not None:
        raise FieldError("slug", "Another article already uses this slug; choose another.")
    return requested
