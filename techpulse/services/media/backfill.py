"""Give images stored earlier the variants uploads get today (``flask media backfill``).

New widths and formats (240, 320, 640 and 720 px, AVIF) are written at upload; an image
uploaded before they existed gets them from its stored original, once. Variants are only
ever added, under the image's key, so pages showing it keep working throughout.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select

from techpulse.extensions import db
from techpulse.models import Image
from techpulse.services.media import imaging
from techpulse.services.media.storage import media_storage


@dataclass
class BackfillCounts:
    """What a backfill did."""

    images: int = 0
    updated: int = 0
    files: int = 0
    no_original: int = 0


def expected_files(image: Image) -> set[str]:
    """The responsive file names an upload of this image would get today."""
    fallback = image.fallback_format
    formats = imaging.responsive_formats(fallback)
    ext = {"jpeg": "jpg", "png": "png", "webp": "webp", "avif": "avif"}
    widths = imaging.responsive_widths(image.width)
    return {f"{image.key}-{width}.{ext[fmt]}" for width in widths for fmt in formats}


def needs_backfill(image: Image) -> bool:
    """Whether the image lacks a variant that uploads get today."""
    return not expected_files(image) <= {v["file"] for v in image.variants}


def backfill_image(image: Image) -> int | None:
    """Write the image's missing variants and record them (not committed).

    Returns the number of files written, or None when its original is not stored.
    """
    if not needs_backfill(image):
        return 0
    originals = image.of_kind("original")
    storage = media_storage()
    data = storage.read(originals[0]["file"]) if originals else None
    if data is None:
        return None
    existing = [v["file"] for v in image.variants]
    written = storage.add(lambda folder: imaging.add_variants(data, image.key, existing, folder))
    if written:
        image.variants = [*image.variants, *(variant.as_dict() for variant in written)]
    return len(written)


def image_ids() -> list[int]:
    """Every image's id (the trash too: a restored image should look as good), oldest first."""
    return list(db.session.scalars(select(Image.id).order_by(Image.id)))


def backfill(ids: list[int], counts: BackfillCounts) -> Iterator[int]:
    """Backfill images ``ids`` one by one, committing each; yields each id when done."""
    for ident in ids:
        image = db.session.get(Image, ident)
        if image is not None:
            counts.images += 1
            written = backfill_image(image)
            if written is None:
                counts.no_original += 1
            elif written:
                counts.updated += 1
                counts.files += written
            db.session.commit()
        yield ident
