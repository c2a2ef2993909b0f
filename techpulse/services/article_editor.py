"""The article editor's rules: who may do what, checked input, publishing, revisions, delete.

Every check runs before anything changes, so a refused save leaves the article as it was.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from enum import StrEnum

from flask import current_app
from sqlalchemy import delete, select

from techpulse.auth.policy import can_edit, can_publish
from techpulse.clock import site_zone, utcnow
from techpulse.extensions import db
from techpulse.markup import excerpt, lead_text
from techpulse.models import Article, Category, Image, Revision, SlugRedirect, Status, User
from techpulse.services import audit
from techpulse.services.editorial import apply_body, tags_from_names
from techpulse.services.media import ImageRejected, create_image
from techpulse.slugs import is_valid_slug, unique_slug

SLUG_RULE = "Use lower-case letters, digits and single hyphens, e.g. “my-first-story”."


class EditorialError(ValueError):
    """A rejected save; ``field`` names the form field (or ""), ``str(exc)`` is safe to show."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class NotPermitted(Exception):
    """The editor may not do this to this article (answered with 403)."""


class Action(StrEnum):
    """What the editor asked for with the button they pressed."""

    SAVE = "save"
    SUBMIT = "submit"
    PUBLISH = "publish"
    SCHEDULE = "schedule"
    UNPUBLISH = "unpublish"


PUBLISHING = frozenset({Action.PUBLISH, Action.SCHEDULE, Action.UNPUBLISH})
NOTES = {
    Action.SAVE: "Saved",
    Action.SUBMIT: "Submitted for review",
    Action.PUBLISH: "Published",
    Action.SCHEDULE: "Scheduled",
    Action.UNPUBLISH: "Unpublished",
}


@dataclass(frozen=True)
class BannerUpload:
    """A banner file sent with the article form."""

    data: bytes
    filename: str
    alt_text: str


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


def site_time_to_utc(local: datetime) -> datetime:
    """A wall-clock time typed in the site's time zone, as aware UTC."""
    aware = local if local.tzinfo else local.replace(tzinfo=site_zone())
    return aware.astimezone(UTC)


def save_article(
    article: Article | None, data: ArticleInput, editor: User, action: Action
) -> Article:
    """Check, apply and commit one save from the editor, with its revision and audit events.

    Raises NotPermitted (403) or EditorialError (a form error; nothing is changed).
    """
    _check_permission(article, editor, action)
    publish_at = _check_publishing(data, action)
    content = _checked_content(article, data, editor)
    if article is None:
        article = Article(author_id=editor.id, status=Status.DRAFT.value, tags=[])
        db.session.add(article)
    old_slug, was_live = article.slug, article.is_live()
    set_content(article, content)
    _apply_action(article, action, publish_at)
    db.session.flush()
    move_slug(article, old_slug, was_live)
    if action in PUBLISHING:
        detail = publish_at.isoformat() if publish_at else article.title
        audit.record(f"article.{action.value}ed".replace("ee", "e"), article.slug, detail)
    snapshot(article, editor, NOTES[action] if old_slug else "Created")
    db.session.commit()
    return article


def _check_permission(article: Article | None, editor: User, action: Action) -> None:
    if article is not None and not can_edit(editor, article):
        raise NotPermitted
    if action in PUBLISHING and not can_publish(editor):
        raise NotPermitted


def _check_publishing(data: ArticleInput, action: Action) -> datetime | None:
    """The UTC time to schedule at (for SCHEDULE), after checking the story can go out."""
    if action in (Action.PUBLISH, Action.SCHEDULE) and not data.body_md.strip():
        raise EditorialError("Write the story before publishing it.", "body")
    if action != Action.SCHEDULE:
        return None
    if data.publish_at is None:
        raise EditorialError("Choose the date and time to publish at.", "publish_at")
    try:
        when = site_time_to_utc(data.publish_at)
    except OverflowError:  # e.g. year 1, which has no UTC equivalent east of Greenwich
        raise EditorialError("Choose a date in the future.", "publish_at") from None
    if when <= utcnow():
        zone = current_app.config["TIMEZONE"]
        raise EditorialError(f"Choose a time in the future ({zone} time).", "publish_at")
    return when


def _checked_content(article: Article | None, data: ArticleInput, editor: User) -> Content:
    """Validate the input (slug, category, banner) into the content to store."""
    own_id = article.id if article is not None else None
    slug = checked_slug(data.slug, data.title, own_id)
    if db.session.get(Category, data.category_id) is None:
        raise EditorialError("Choose a category.", "category")
    if data.upload is not None and not data.upload.alt_text.strip():
        message = "Describe the new banner in the alt text; screen readers read it aloud."
        raise EditorialError(message, "banner_alt")
    if data.banner_id and data.upload is None and db.session.get(Image, data.banner_id) is None:
        raise EditorialError("That image is no longer in the library.", "banner_id")
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
    except ImageRejected as exc:
        raise EditorialError(str(exc), "banner_file") from exc
    return image.id


def checked_slug(requested: str, title: str, own_id: int | None) -> str:
    """The requested slug if valid and free, or one made from the title when empty."""
    requested = requested.strip()
    if not requested:
        return unique_slug(Article.slug, title, exclude_id=own_id)
    if not is_valid_slug(requested):
        raise EditorialError(SLUG_RULE, "slug")
    taken = select(Article.id).where(Article.slug == requested)
    if own_id is not None:
        taken = taken.where(Article.id != own_id)
    if db.session.scalar(taken.limit(1)) is not None:
        raise EditorialError("Another article already uses this slug; choose another.", "slug")
    return requested


def set_content(article: Article, content: Content) -> None:
    """Write ``content`` into the article, deriving its HTML, reading time and excerpt."""
    article.title = content.title
    article.slug = content.slug
    article.seo_title = content.seo_title
    article.seo_description = content.seo_description
    article.featured = content.featured
    article.category_id = content.category_id  # type: ignore[assignment]
    article.banner_id = content.banner_id
    article.tags = tags_from_names(content.tag_names)
    apply_body(article, content.body_md)
    article.excerpt = content.excerpt or excerpt(lead_text(article.body_html))


def _apply_action(article: Article, action: Action, publish_at: datetime | None) -> None:
    if action == Action.SUBMIT:
        article.status = Status.REVIEW.value
    elif action == Action.PUBLISH:
        if not article.is_live():
            article.published_at = utcnow()
        article.status = Status.PUBLISHED.value
    elif action == Action.SCHEDULE:
        article.status, article.published_at = Status.SCHEDULED.value, publish_at
    elif action == Action.UNPUBLISH:
        article.status, article.published_at = Status.DRAFT.value, None


def move_slug(article: Article, old_slug: str | None, was_live: bool) -> None:
    """After a slug change, let the old URL of a live article 301 to the new one."""
    if not old_slug or old_slug == article.slug:
        return
    if was_live:
        db.session.merge(SlugRedirect(old_slug=old_slug, article_id=article.id))
    # The article's current slug must not also be one of its own redirects.
    db.session.execute(
        delete(SlugRedirect).where(
            SlugRedirect.old_slug == article.slug, SlugRedirect.article_id == article.id
        )
    )
    audit.record("article.reslugged", article.slug, f"{old_slug} → {article.slug}")


def snapshot(article: Article, editor: User | None, note: str = "") -> Revision:
    """Keep the article's current content as a new revision (added, not committed)."""
    content = asdict(current_content(article))
    content["tag_names"] = list(content["tag_names"])
    revision = Revision(
        article_id=article.id, editor_id=editor.id if editor else None, note=note[:120], **content
    )
    db.session.add(revision)
    return revision


def current_content(article: Article) -> Content:
    """The content the article has now (its tags loaded)."""
    return Content(
        title=article.title,
        slug=article.slug,
        excerpt=article.excerpt,
        body_md=article.body_md,
        seo_title=article.seo_title,
        seo_description=article.seo_description,
        featured=article.featured,
        category_id=article.category_id,
        banner_id=article.banner_id,
        tag_names=tuple(sorted(tag.name for tag in article.tags)),
    )


def delete_article(article: Article) -> None:
    """Delete an article with its revisions and old slugs, and commit."""
    audit.record("article.deleted", article.slug, article.title)
    for model in (Revision, SlugRedirect):
        db.session.execute(delete(model).where(model.article_id == article.id))
    db.session.delete(article)
    db.session.commit()
