"""Images: upload processing into stored variants, and their public URLs."""

from __future__ import annotations

from pathlib import Path

from flask import current_app, url_for

from techpulse.extensions import db
from techpulse.imaging import ImageRejected, delete_files, process_image
from techpulse.models import Image, User

__all__ = ["ImageRejected", "create_image", "upload_folder", "variant_url"]


def upload_folder() -> Path:
    """Where uploaded images and their variants are stored."""
    return Path(current_app.config["UPLOAD_FOLDER"])


def create_image(
    data: bytes, alt_text: str, *, original_name: str = "", uploaded_by: User | None = None
) -> Image:
    """Validate and process uploaded bytes into an Image (flushed, not committed).

    Raises ImageRejected with a user-facing message when the bytes are not an acceptable image.
    """
    alt_text = " ".join(alt_text.split())
    if not alt_text:
        raise ImageRejected("Describe the image in the alt text; screen readers read it aloud.")
    processed = process_image(data, upload_folder())
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
    try:
        db.session.flush()
    except Exception:
        delete_files(upload_folder(), processed.files())
        raise
    return image


def variant_url(filename: str, *, external: bool = False) -> str:
    """Public URL of one stored image file."""
    return url_for("media.file", filename=filename, _external=external)
