"""Old uploads addresses and attachment pages: our image, or the story that shows it.

``/wp-content/uploads/2024/05/photo-1024x576.jpg`` (any WordPress sub-size) answers with the
variant of our image closest to the size asked for; an attachment page with the story that
shows the image (else the image). Lookups are by primary key: never a scan.
"""

from __future__ import annotations

import re
from typing import Any

from flask import url_for
from sqlalchemy import select, union

from techpulse.extensions import db
from techpulse.markup.pictures import media_path
from techpulse.models import Article, Image, LegacyRedirect, article_images

UPLOADS = "/wp-content/uploads/"
_RESIZED = re.compile(r"-(?:\d{1,5}x\d{1,5}|scaled|rotated)(?=\.[A-Za-z0-9]+$)")
_WIDTH = re.compile(r"-(\d{1,5})x\d{1,5}(?=\.[A-Za-z0-9]+$)")
SERVED_KINDS = ("responsive", "original")


def upload_key(file: str) -> str:
    """The old-address key shared by an upload and all its sub-sizes (lower case)."""
    return (UPLOADS + _RESIZED.sub("", file.lstrip("/")).lower())[:500]


def upload_target(path: str) -> str | None:
    """Our /media/ address for an old uploads path (original or sub-size), or None."""
    file = path.split(UPLOADS, 1)[1] if path.startswith(UPLOADS) else ""
    if not file:
        return None
    row = db.session.get(LegacyRedirect, upload_key(file))
    if row is None or row.target_type != "image" or not row.target_id:
        return None
    width = _WIDTH.search(file)
    return image_target(row.target_id, width=int(width[1]) if width else None)


def image_target(image_id: int, story: bool = False, width: int | None = None) -> str | None:
    """The story showing the image (``story``), else the image's variant closest to ``width``."""
    image = db.session.get(Image, image_id)
    if image is None or image.trashed_at is not None:
        return None
    if story and (slug := story_showing(image.id)) is not None:
        return url_for("blog.article", slug=slug)
    variant = closest_variant(image, width)
    return media_path(variant["file"]) if variant else None


MODERN_FORMATS = ("webp", "avif")


def closest_variant(image: Image, width: int | None) -> dict[str, Any] | None:
    """The narrowest variant at least ``width`` wide (else the widest), in JPEG or PNG where
    one exists: an old address was a JPEG or PNG, and any browser or mail reader shows those."""
    served = [v for v in image.variants if v.get("kind") in SERVED_KINDS]
    plain = [v for v in served if v.get("format") not in MODERN_FORMATS] or served
    plain.sort(key=lambda v: (v["width"], v.get("kind") != "original"))
    if not plain:
        return None
    if width:
        wide_enough = [v for v in plain if v["width"] >= width]
        return wide_enough[0] if wide_enough else plain[-1]
    return plain[-1]


def story_showing(image_id: int) -> str | None:
    """The slug of the oldest live story with the image as banner or in its text."""
    # Two indexed lookups (banner_id, article_images.image_id), then the stories by id.
    inline = select(article_images.c.article_id).where(article_images.c.image_id == image_id)
    banner = select(Article.id).where(Article.banner_id == image_id)
    query = (
        select(Article.slug)
        .where(Article.live(), Article.id.in_(union(inline, banner)))
        .order_by(Article.published_at, Article.id)
        .limit(1)
    )
    return db.session.scalar(query)
