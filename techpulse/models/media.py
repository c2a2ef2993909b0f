"""Uploaded images and their generated variants."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from techpulse.clock import utcnow
from techpulse.extensions import db
from techpulse.models.accounts import User
from techpulse.models.types import UTCDateTime


class Image(db.Model):
    """An image stored under a random key, with the responsive variants made at upload."""

    __tablename__ = "images"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)
    alt_text: Mapped[str] = mapped_column(String(300))
    original_name: Mapped[str] = mapped_column(String(255), default="")
    format: Mapped[str] = mapped_column(String(8))
    width: Mapped[int]
    height: Mapped[int]
    # [{"file", "width", "height", "format", "bytes", "kind"}]; written once, at upload.
    variants: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # The attachment id in the WordPress export it came from (re-imports reuse the image).
    wordpress_id: Mapped[int | None] = mapped_column(unique=True)
    # The path of the file in a Ghost site's content/images (re-imports reuse the image).
    ghost_path: Mapped[str | None] = mapped_column(String(500), unique=True)
    # In the trash since (left out of the library and the pickers) until restored or purged.
    trashed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    uploaded_by: Mapped[User | None] = relationship()

    def of_kind(self, kind: str, fmt: str | None = None) -> list[dict[str, Any]]:
        """Variants of one kind (and format), narrowest first."""
        found = [
            v for v in self.variants if v["kind"] == kind and (fmt is None or v["format"] == fmt)
        ]
        return sorted(found, key=lambda v: v["width"])

    @property
    def fallback_format(self) -> str:
        """The format every browser shows (JPEG, or PNG for transparency): not WebP or AVIF."""
        formats = {v["format"] for v in self.of_kind("responsive")} - {"webp", "avif"}
        return formats.pop() if formats else "jpeg"

    def __repr__(self) -> str:
        return f"<Image {self.key}>"


class MediaBlob(db.Model):
    """One stored image file, kept in the database when MEDIA_STORAGE is "database"."""

    __tablename__ = "media_blobs"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)  # a variant's "file"
    content_type: Mapped[str] = mapped_column(String(40))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<MediaBlob {self.name}>"
