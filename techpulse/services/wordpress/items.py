"""One export item (post, page or attachment) into TechPulse, inside the caller's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from techpulse.clock import utcnow
from techpulse.extensions import db
from techpulse.markup.markdown import excerpt, html_to_text
from techpulse.models import Article, Image, Status, Tag
from techpulse.services import legacy_urls
from techpulse.services.wordpress import writer
from techpulse.services.wordpress.content import Converted, convert_body
from techpulse.services.wordpress.inline_images import ImageResolver, LibraryImage
from techpulse.services.wordpress.links import LinkRewriter
from techpulse.services.wordpress.records import wp_slug
from techpulse.services.wordpress.wxr import MAX_STORY_CHARACTERS, Item
from techpulse.slugs import slugify

if TYPE_CHECKING:
    from techpulse.services.wordpress.importer import WordPressImport

DRAFT_STATUSES = ("draft", "pending", "private")  # pending posts go to review, pages are drafts
_EDITOR_LIMIT = f"the editor takes stories of up to {MAX_STORY_CHARACTERS:,} characters"


def import_item(job: WordPressImport, item: Item) -> str:
    """Import one item; return "imported", "updated", "unchanged" or why it was skipped."""
    if item.oversized:
        return f"too large to import ({item.oversized}): {_EDITOR_LIMIT}"
    if item.post_type == "attachment":
        return _attachment(job, item)
    if item.post_type == "post":
        return _post(job, item)
    if item.post_type == "page":
        return _page(job, item)
    return f"{item.post_type or 'unknown'} items are not imported"


def _title(item: Item) -> str:
    return " ".join(item.title.split())[:200] or f"Untitled (WordPress {item.post_id})"


def _status(job: WordPressImport, item: Item) -> tuple[str, datetime | None] | str:
    when = job.clock.to_utc(item.post_date, item.post_date_gmt)
    if item.status in ("publish", "future"):
        when = when or utcnow()
        live = item.status == "publish" and when <= utcnow()
        return (Status.PUBLISHED if live else Status.SCHEDULED).value, when
    if item.status == "pending":  # WordPress's "Pending Review": the review queue here
        return Status.REVIEW.value, None
    if item.status in DRAFT_STATUSES:
        return Status.DRAFT.value, None
    return f"status “{item.status}” is not imported"


def _post(job: WordPressImport, item: Item) -> str:
    status = _status(job, item)
    if isinstance(status, str):
        return status
    existing = writer.article_for(item.post_id)
    fields = _article_fields(job, item, existing, status)
    if len(fields.body) > MAX_STORY_CHARACTERS:
        return _too_long(fields.body)
    if existing is not None and writer.article_unchanged(existing, fields):
        outcome, article = "unchanged", existing
    else:
        outcome = "updated" if existing else "imported"
        article = writer.save_article(existing, fields)
    _remember_addresses(item, "article", article.id)
    _remember_tags(item, article.tags)
    return outcome


def _convert(job: WordPressImport, item: Item) -> Converted:
    """The item's body, its links to other imported posts rewritten and galleries placed."""
    rewrite = LinkRewriter(job.links)
    converted = convert_body(
        item.content,
        _resolver(job),
        rewrite,
        lambda ids: job.attachments.gallery_html(ids, item.post_id),
    )
    if rewrite.waiting:  # a link to a post later in the export: converted again at the end
        job.revisit.add(item.post_id)
    return converted


def _article_fields(
    job: WordPressImport, item: Item, existing: Article | None, status: tuple[str, datetime | None]
) -> writer.ArticleFields:
    converted = _convert(job, item)
    _note_conversion(job, item, converted.shortcodes, converted.external_images)
    title = _title(item)
    used = [(slug, name) for domain, slug, name in item.terms if domain == "category"]
    term, other_categories = job.taxonomy.primary(used)
    tags = [name for domain, _, name in item.terms if domain == "post_tag"] + other_categories
    banner = _featured_image(job, item)
    return writer.ArticleFields(
        wordpress_id=item.post_id,
        title=title,
        slug=writer.free_article_slug(wp_slug(item.post_name) or slugify(title), existing),
        excerpt=excerpt(html_to_text(item.excerpt), 300),
        body=converted.body,
        category_id=job.taxonomy.category(term).id,
        banner_id=banner.id if banner else None,
        tag_names=tuple(sorted({" ".join(name.split())[:60] for name in tags if name.strip()})),
        author_id=job.taxonomy.author(item.creator).id,
        status=status[0],
        published_at=status[1],
        created_at=job.clock.to_utc(item.post_date, item.post_date_gmt) or utcnow(),
        modified_at=job.clock.to_utc(item.post_modified, item.post_modified_gmt),
    )


def _too_long(body: str) -> str:
    return f"too long: {len(body):,} characters once converted; {_EDITOR_LIMIT}"


def _remember_tags(item: Item, tags: list[Tag]) -> None:
    """/tag/<old slug>/ of each of the post's tags, to the tag it became."""
    by_name = {tag.name.lower(): tag for tag in tags}
    for domain, slug, name in item.terms:
        tag = by_name.get(" ".join(name.split())[:60].lower())
        if domain == "post_tag" and slug and tag is not None:
            legacy_urls.remember(legacy_urls.path_key(f"/tag/{unquote(slug)}/"), "tag", tag.id)


def _page_published(job: WordPressImport, item: Item) -> bool | str:
    """Published, or a draft (draft, pending, private, and future: pages are not scheduled)."""
    if item.status == "publish":
        return True
    if item.status == "future":
        when = job.clock.to_utc(item.post_date, item.post_date_gmt)
        date = f" for {when:%Y-%m-%d %H:%M} UTC" if when else ""
        job.summary.warnings.append(
            f"Page “{_title(item)}” was scheduled{date}; it is a draft here: publish it then."
        )
        return False
    if item.status in DRAFT_STATUSES:
        return False
    return f"status “{item.status}” is not imported"


def _page(job: WordPressImport, item: Item) -> str:
    published = _page_published(job, item)
    if isinstance(published, str):
        return published
    existing = writer.page_for(item.post_id)
    converted = _convert(job, item)
    if len(converted.body) > MAX_STORY_CHARACTERS:
        return _too_long(converted.body)
    title = _title(item)
    wanted = wp_slug(item.post_name) or slugify(title)
    slug = writer.free_page_slug(wanted, existing)
    if slug != wanted:
        job.summary.warnings.append(f"Page “{title}” is at /pages/{slug}: {wanted} is taken.")
    _note_conversion(job, item, converted.shortcodes, converted.external_images)
    fields = writer.ImportedPage(slug, title, converted.body, published)
    if existing is not None and writer.page_unchanged(existing, fields):
        outcome, page = "unchanged", existing
    else:
        outcome = "updated" if existing else "imported"
        page = writer.save_imported_page(existing, item.post_id, fields)
    _remember_addresses(item, "page", page.id)
    legacy_urls.remember(legacy_urls.query_key("page_id", item.post_id), "page", page.id)
    return outcome


def _attachment(job: WordPressImport, item: Item) -> str:
    if not job.summary.uploads:
        return "attachment: no --uploads folder given"
    attachment = job.attachments.by_id.get(item.post_id)
    if attachment is None:
        return "attachment without a file name"
    before = job.images.existing(attachment)
    image = before or job.images.library_image(attachment)
    if image is None:
        return "imported" if job.images.would_import(attachment) else "file missing or refused"
    # An image a post already brought in during this run counts as imported, as on a dry run.
    fresh = before is None or attachment.post_id in job.images.created
    return "imported" if fresh else "unchanged"


def _featured_image(job: WordPressImport, item: Item) -> Image | None:
    thumbnail = item.meta.get("_thumbnail_id", "")
    attachment = job.attachments.by_id.get(int(thumbnail)) if thumbnail.isdigit() else None
    image = job.images.library_image(attachment) if attachment else None
    if thumbnail and image is None and not job.dry_run:
        job.summary.warnings.append(f"“{_title(item)}” has no banner: image {thumbnail} missing.")
    return image


def _resolver(job: WordPressImport) -> ImageResolver:
    """An inline image URL (maybe of a resized copy) → its library image, imported if need be."""

    def resolve(src: str, alt: str) -> LibraryImage | None:
        attachment = job.attachments.for_url(src)
        image = job.images.library_image(attachment, alt) if attachment else None
        if image is not None:
            db.session.flush()  # a new image needs its id for the reference
            return LibraryImage(image.id, alt or attachment.alt or image.alt_text)
        if attachment and job.images.would_import(attachment):
            return LibraryImage(0, alt or attachment.alt or attachment.title)  # dry run only
        return None

    return resolve


def _note_conversion(
    job: WordPressImport, item: Item, shortcodes: list[str], images: list[str]
) -> None:
    job.summary.comments += item.comments
    job.summary.shortcodes.update(shortcodes)
    job.summary.external_images.extend(images)


def _remember_addresses(item: Item, target_type: str, target_id: int) -> None:
    old_host = urlsplit(item.link).netloc
    for url in (item.link, item.guid):
        parts = urlsplit(url)
        if parts.netloc == old_host and parts.path not in ("", "/") and not parts.query:
            legacy_urls.remember(legacy_urls.path_key(parts.path), target_type, target_id)
    legacy_urls.remember(legacy_urls.query_key("p", item.post_id), target_type, target_id)
