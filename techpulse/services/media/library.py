"""Images: upload processing into stored variants, and their public URLs."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from flask import current_app
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import or_, select, update
from sqlalchemy.orm import joinedload

from techpulse.extensions import db
from techpulse.models import Article, Image, Page, Revision, User
from techpulse.services import audit
from techpulse.services.editorial.story_images import articles_showing, pages_showing
from techpulse.services.media.storage import media_storage
from techpulse.web.field_errors import FieldError

__all__ = [
    "ImageInUse",
    "check_unused",
    "create_image",
    "delete_image",
    "image_library",
    "image_page_usage",
    "image_usage",
    "update_alt_text",
    "upload_image",
    "upload_folder",
]


ALT_TEXT_MISSING = "Describe the image in the alt text; screen readers read it aloud."


def upload_folder() -> Path:
    """The folder images are stored in when MEDIA_STORAGE is "local" (the default)."""
    return Path(current_app.config["UPLOAD_FOLDER"])


def create_image(
    data: bytes, alt_text: str, *, original_name: str = "", uploaded_by: User | None = None
) -> Image:
    """Validate and process uploaded bytes into an Image (flushed, not committed).

    Raises FieldError with a user-facing message when the bytes are not an acceptable image.
    """
    alt_text = " ".join(alt_text.split())
    if not alt_text:
        raise FieldError("alt_text", ALT_TEXT_MISSING)
    processed = media_storage().store(data)
    image = Image(
        key=processed.key,
        alt_text=alt_text[:300],
        original_name=Path(original_name).name[:255],
        format=processed.format,
        width=processed.width,
        height=processed.height,
        variants=[variant.as_dict() for variant in processed.variants],
        uploaded_by=uploaded_by,
    )
    db.session.add(image)
    db.session.flush()
    name = image.original_name or f"image {image.id}"
    audit.record("image.uploaded", name, f"{image.width}×{image.height}", subject=image)
    return image


def upload_image(data: bytes, alt_text: str, original_name: str, uploaded_by: User) -> Image:
    """Store an upload from the media library and commit; raises FieldError."""
    image = create_image(data, alt_text, original_name=original_name, uploaded_by=uploaded_by)
    db.session.commit()
    return image


class ImageInUse(Exception):
    """The image is still a banner or inside a story; ``str(exc)`` is safe to show."""


def image_by_id(image_id: int) -> Image | None:
    """The image with this id."""
    return db.session.get(Image, image_id)


def image_library(page: int = 1, per_page: int = 24, q: str = "") -> Pagination:
    """Images not in the trash, newest first, searched by alt text or file name."""
    query = select(Image).where(Image.trashed_at.is_(None))
    if words := q.strip():
        query = query.where(
            or_(
                Image.alt_text.icontains(words, autoescape=True),
                Image.original_name.icontains(words, autoescape=True),
            )
        )
    query = query.options(joinedload(Image.uploaded_by))
    query = query.order_by(Image.created_at.desc(), Image.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def image_usage(image_ids: Iterable[int]) -> dict[int, list[Article]]:
    """The articles showing each image, as their banner or inside the story, in two queries."""
    ids = list(image_ids)
    usage: dict[int, list[Article]] = {image_id: [] for image_id in ids}
    if not ids:
        return usage
    shown = or_(Article.banner_id.in_(ids), Article.social_image_id.in_(ids))
    for article in db.session.scalars(select(Article).where(shown).order_by(Article.title)):
        for image_id in {article.banner_id, article.social_image_id} & set(ids):
            usage[image_id].append(article)
    for image_id, article in articles_showing(ids):
        if article not in usage[image_id]:
            usage[image_id].append(article)
    return usage


def image_page_usage(image_ids: Iterable[int]) -> dict[int, list[Page]]:
    """The static pages showing each image inside their body, in one query."""
    ids = list(image_ids)
    usage: dict[int, list[Page]] = {image_id: [] for image_id in ids}
    for image_id, page in pages_showing(ids) if ids else ():
        usage[image_id].append(page)
    return usage


def update_alt_text(image: Image, alt_text: str) -> None:
    """Change an image's alt text and commit."""
    alt_text = " ".join(alt_text.split())
    if not alt_text:
        raise FieldError("alt_text", ALT_TEXT_MISSING)
    if alt_text[:300] != image.alt_text:
        image.alt_text = alt_text[:300]
        name = image.original_name or f"image {image.id}"
        audit.record("image.alt_text_changed", name, image.alt_text, subject=image)
    db.session.commit()


def check_unused(image: Image) -> None:
    """Raise ImageInUse (naming who uses it) when a story or page shows the image."""
    used_by: list[Article | Page] = [
        *image_usage([image.id])[image.id],
        *image_page_usage([image.id])[image.id],
    ]
    if used_by:
        titles = ", ".join(f"“{row.title}”" for row in used_by[:3])
        more = f" and {len(used_by) - 3} more" if len(used_by) > 3 else ""
        raise ImageInUse(
            f"This image is used by {titles}{more} (as a banner, or inside a story or page); "
            "take it out of those first."
        )


def delete_image(image: Image, action: str = "image.deleted") -> None:
    """Delete an unused image and its files; raise ImageInUse when a story or page shows it."""
    check_unused(image)
    files = [variant["file"] for variant in image.variants]
    audit.record(action, image.original_name or image.key, image.alt_text)
    # Revisions keep their history, minus the banner reference.
    revisions = update(Revision).where(Revision.banner_id == image.id)
    db.session.execute(revisions.values(banner_id=None))
    db.session.delete(image)
    media_storage().remove(files)  # the files go when this commits
    db.session.commit()
