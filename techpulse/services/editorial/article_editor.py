"""The only way articles are written: create, save, publish, schedule, unpublish, restore, delete.

The editor's form, the demo seeder, importers and the test factories all come through here,
so every write derives HTML, excerpt and reading time once and leaves a revision and an
audit event behind.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from sqlalchemy import delete, func, or_, select

from techpulse.extensions import db
from techpulse.markup.language import detect_language
from techpulse.markup.markdown import excerpt, html_to_text, lead_text
from techpulse.models import (
    Article,
    ArticleComment,
    Category,
    EditorDraft,
    Image,
    PreviewLink,
    Revision,
    SlugRedirect,
    StaffNotice,
    Status,
    Tag,
    User,
    article_images,
)
from techpulse.policy import can_edit, can_publish
from techpulse.services import audit, outbox
from techpulse.services.editorial import review
from techpulse.services.editorial.article_input import (
    Action,
    ArticleInput,
    check_version,
    checked_content,
    checked_publish_time,
    checked_slug,
)
from techpulse.services.editorial.bylines import BylineRefused, apply_extras, checked_extras
from techpulse.services.editorial.publication import apply_action, audit_save
from techpulse.services.editorial.revisions import Content, content_of, snapshot
from techpulse.services.editorial.story_images import (
    check_story_images,
    record_story_images,
    render_story,
)
from techpulse.slugs import slugify, unique_slug

PUBLISHING = frozenset({Action.PUBLISH, Action.SCHEDULE, Action.UNPUBLISH})
AUDITED = {
    Action.PUBLISH: "article.published",
    Action.SCHEDULE: "article.scheduled",
}
NOTES = {
    Action.SAVE: "Saved",
    Action.SUBMIT: "Submitted for review",
    Action.PUBLISH: "Published",
    Action.SCHEDULE: "Scheduled",
    Action.UNPUBLISH: "Unpublished",
}


class NotPermitted(Exception):
    """The editor may not do this to this article (answered with 403)."""


def save_article(
    article: Article | None, data: ArticleInput, editor: User, action: Action
) -> Article:
    """Check, apply and commit one save from the editor, with its revision and audit events.

    Raises NotPermitted (403), EditConflict (someone saved since ``data.base_revision``)
    or FieldError (a form error); nothing is changed then.
    """
    if article is not None and not can_edit(editor, article):
        raise NotPermitted
    if action in PUBLISHING and not can_publish(editor):
        raise NotPermitted
    if article is not None:
        check_version(article, data)
    publish_at = checked_publish_time(data, action)
    content = checked_content(article, data, editor)
    try:
        extras = checked_extras(article, data.extras, editor) if data.extras else None
    except BylineRefused:
        raise NotPermitted from None
    if article is None:
        article = Article(author_id=editor.id, status=Status.DRAFT.value, tags=[])
        article.coauthor_links = []
        db.session.add(article)
    old_slug, was_live, before = article.slug, article.is_live(), article.status
    set_content(article, content)
    if extras is not None:
        apply_extras(article, extras)
    moved = apply_action(article, action, publish_at, can_publish(editor))
    db.session.flush()
    move_slug(article, old_slug, was_live)
    audit_save(article, action, publish_at, created=not old_slug, moved=moved)
    mails = review.after_action(article, editor, action.value, before)
    snapshot(article, editor, NOTES[action] if old_slug else "Created")
    db.session.commit()
    outbox.deliver_all([mail.id for mail in mails])
    return article


def change_status(article: Article, editor: User, status: Status, note: str) -> Article:
    """Move the article to ``status`` (sent back, to the trash and back), keep a revision, commit.

    The caller checked the rule and recorded the audit event.
    """
    article.status = status.value
    snapshot(article, editor, note)
    db.session.commit()
    return article


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
    """Create a finished article as the editor would, revision and audit event included.

    For the demo seeder, importers and tests: flushed, not committed (the caller commits).
    """
    if category.id is None or (banner is not None and banner.id is None):
        db.session.flush()
    content = Content(
        title=" ".join(title.split()),
        slug=unique_slug(Article.slug, title),
        excerpt=excerpt_text.strip(),
        body_md=body_md,
        seo_title="",
        seo_description="",
        featured=featured,
        category_id=category.id,
        banner_id=banner.id if banner else None,
        tag_names=tuple(tags),
    )
    article = Article(author=author, status=Status(status).value, published_at=published_at)
    article.tags = []
    db.session.add(article)
    set_content(article, content)
    db.session.flush()
    if article.status in (Status.PUBLISHED, Status.SCHEDULED):
        action = Action.PUBLISH if article.status == Status.PUBLISHED else Action.SCHEDULE
        when = article.published_at.isoformat() if article.published_at else ""
        audit.record(AUDITED[action], article.title, when, actor=author, subject=article)
    snapshot(article, author, "Created")
    return article


def restore_revision(article: Article, revision: Revision, editor: User) -> Article:
    """Set the article's content back exactly to ``revision`` and keep that as a new revision.

    Raises FieldError, like a save, when the revision's slug is now used by another article
    or its body shows images no longer in the library (they are named).
    """
    content = content_of(revision)
    if content.category_id is None:  # its category was deleted since: keep the current one
        content = replace(content, category_id=article.category_id)
    checked_slug(content.slug, content.title, article.id)
    check_story_images(content.body_md)
    old_slug, was_live = article.slug, article.is_live()
    set_content(article, content)
    db.session.flush()
    move_slug(article, old_slug, was_live)
    audit.record("article.restored", article.title, f"revision {revision.id}", subject=article)
    snapshot(article, editor, f"Restored revision {revision.id}")
    db.session.commit()
    return article


def delete_article(article: Article, action: str = "article.deleted") -> None:
    """Delete an article for good with its revisions and old slugs, and commit."""
    audit.record(action, article.slug, article.title)
    for model in (Revision, SlugRedirect, EditorDraft, PreviewLink, StaffNotice, ArticleComment):
        db.session.execute(delete(model).where(model.article_id == article.id))
    db.session.execute(delete(article_images).where(article_images.c.article_id == article.id))
    db.session.delete(article)
    db.session.commit()


def set_content(article: Article, content: Content) -> None:
    """Write ``content`` into the article, deriving its HTML, reading time and excerpt."""
    article.title = content.title
    article.slug = content.slug
    article.seo_title = content.seo_title
    article.seo_description = content.seo_description
    article.featured = content.featured
    if content.category_id is not None:
        article.category_id = content.category_id
    article.banner_id = content.banner_id
    article.tags = tags_from_names(content.tag_names)
    rendered = render_story(content.body_md)
    article.body_md = content.body_md
    article.body_html = rendered.html
    article.reading_minutes = rendered.reading_minutes
    # A written excerpt is kept; otherwise it follows the story's opening at every save.
    article.excerpt_written = bool(content.excerpt)
    article.excerpt = content.excerpt or excerpt(lead_text(rendered.html))
    article.language = detect_language(content.title, html_to_text(rendered.html))
    record_story_images(article, content.body_md)


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
