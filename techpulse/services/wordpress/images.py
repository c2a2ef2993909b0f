"""WordPress attachments into the image library, and inline <img> URLs into library images."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from sqlalchemy import select

from techpulse.extensions import db
from techpulse.markup.markdown import html_to_text
from techpulse.models import Image
from techpulse.services.media.library import create_image
from techpulse.services.wordpress.wxr import Item
from techpulse.web.field_errors import FieldError

_RESIZED = re.compile(r"-(?:\d+x\d+|scaled|rotated)(?=\.[A-Za-z0-9]+$)")
_UPLOADS = "/wp-content/uploads/"


@dataclass(frozen=True)
class Attachment:
    """What the export says about one attachment."""

    post_id: int
    url: str
    file: str  # relative to wp-content/uploads, e.g. "2024/05/photo.jpg"
    alt: str
    title: str
    caption: str = ""  # the attachment's excerpt: WordPress shows it under the picture
    parent: int = 0  # the post it was uploaded to ([gallery] without ids shows these)
    order: int = 0


def attachment_from(item: Item) -> Attachment:
    """The attachment an ``attachment`` item describes."""
    file = item.meta.get("_wp_attached_file", "") or upload_path(item.attachment_url or item.guid)
    return Attachment(
        post_id=item.post_id,
        url=item.attachment_url or item.guid,
        file=file,
        alt=" ".join(item.meta.get("_wp_attachment_image_alt", "").split()),
        title=" ".join(item.title.split()),
        caption=html_to_text(item.excerpt),
        parent=int(item.post_parent) if item.post_parent.isdigit() else 0,
        order=int(item.menu_order) if item.menu_order.lstrip("-").isdigit() else 0,
    )


def upload_path(url: str) -> str:
    """The part of an uploads URL after wp-content/uploads/ (decoded), or ""."""
    path = unquote(urlsplit(url).path)
    return path.split(_UPLOADS, 1)[1] if _UPLOADS in path else ""


def original_key(file: str) -> str:
    """The key of an upload path shared by its resized copies: photo-1024x576.jpg → photo.jpg."""
    return _RESIZED.sub("", file).lower()


class Attachments:
    """The export's attachments by post id and by the original file they are copies of."""

    def __init__(self) -> None:
        self.by_id: dict[int, Attachment] = {}
        self.by_key: dict[str, int] = {}

    def add(self, attachment: Attachment) -> None:
        """Remember an attachment (called while reading the export)."""
        self.by_id[attachment.post_id] = attachment
        if attachment.file:
            self.by_key.setdefault(original_key(attachment.file), attachment.post_id)

    def children(self, post_id: int) -> list[Attachment]:
        """The attachments uploaded to a post, in WordPress's gallery order."""
        found = [a for a in self.by_id.values() if a.parent == post_id]
        return sorted(found, key=lambda attachment: (attachment.order, attachment.post_id))

    def gallery_html(self, ids: list[int], post_id: int) -> str:
        """A [gallery] as the figures WordPress shows: ``ids`` or else the post's attachments."""
        chosen = [self.by_id[i] for i in ids if i in self.by_id] if ids else self.children(post_id)
        figures = []
        for attachment in chosen:
            caption = f"<figcaption>{escape(attachment.caption)}</figcaption>"
            figures.append(
                f'<figure><img src="{escape(attachment.url)}" alt="{escape(attachment.alt)}">'
                f"{caption if attachment.caption else ''}</figure>"
            )
        return f"<figure>{''.join(figures)}</figure>" if figures else ""

    def for_url(self, url: str) -> Attachment | None:
        """The attachment an inline image URL (maybe a resized copy) shows."""
        file = upload_path(url)
        post_id = self.by_key.get(original_key(file)) if file else None
        return self.by_id.get(post_id) if post_id is not None else None


class ImageImporter:
    """Brings attachment files into the library once, through the normal image pipeline."""

    def __init__(self, uploads: Path | None, dry_run: bool) -> None:
        self.uploads = uploads.resolve() if uploads else None
        self.dry_run = dry_run
        self.warnings: list[str] = []
        self.created: set[int] = set()  # attachment ids this run brought into the library

    def existing(self, attachment: Attachment) -> Image | None:
        """The library image an earlier import made of ``attachment``."""
        return db.session.scalar(select(Image).where(Image.wordpress_id == attachment.post_id))

    def would_import(self, attachment: Attachment) -> bool:
        """On a dry run: whether the attachment's file is there to import."""
        return self.dry_run and self._source_file(attachment.file) is not None

    def library_image(self, attachment: Attachment, alt: str = "") -> Image | None:
        """The library image of ``attachment``, imported now if needed; None if unavailable."""
        found = self.existing(attachment)
        if found is not None or self.uploads is None:
            return found
        source = self._source_file(attachment.file)
        if source is None:
            self.warnings.append(f"Image file not in the uploads folder: {attachment.file}")
            return None
        if self.dry_run:
            return None
        description = attachment.alt or alt or attachment.title or source.stem
        try:
            image = create_image(source.read_bytes(), description, original_name=source.name)
        except FieldError as exc:  # not an image we accept (e.g. a PDF, or damaged)
            self.warnings.append(f"Image {attachment.file} refused: {exc.message}")
            return None
        image.wordpress_id = attachment.post_id
        self.created.add(attachment.post_id)
        return image

    def _source_file(self, file: str) -> Path | None:
        if not file or self.uploads is None:
            return None
        candidate = (self.uploads / PurePosixPath(file)).resolve()
        inside = candidate.is_relative_to(self.uploads)  # a hostile path never leaves it
        return candidate if inside and candidate.is_file() else None
