"""Ghost's images (``__GHOST_URL__/content/images/…``) into the library, from a copy."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from sqlalchemy import select

from techpulse.extensions import db
from techpulse.models import Image
from techpulse.services.media.library import create_image
from techpulse.web.field_errors import FieldError

_IMAGES = "/content/images/"
_SIZED = re.compile(r"^(?:size/w\d+(?:h\d+)?/)?(?:format/[a-z]+/)?")


def image_path(url: str) -> str:
    """The path under content/images of a Ghost image URL, sized copies to the original."""
    path = unquote(urlsplit(url.replace("__GHOST_URL__", "")).path)
    if _IMAGES not in path:
        return ""
    return _SIZED.sub("", path.split(_IMAGES, 1)[1])


class GhostImages:
    """Brings each image the export names into the library once (found by its path)."""

    def __init__(self, folder: Path | None, dry_run: bool) -> None:
        self.folder = _images_folder(folder.resolve()) if folder else None
        self.dry_run = dry_run
        self.warnings: list[str] = []
        self.missing: list[str] = []

    def library_image(self, url: str, alt: str = "") -> Image | None:
        """The library image of ``url``, imported now if needed (None on a dry run or if absent)."""
        path = image_path(url)
        if not path:
            return None
        found = db.session.scalar(select(Image).where(Image.ghost_path == path))
        if found is not None or self.folder is None:
            return found
        source = self._source_file(path)
        if source is None:
            self.warnings.append(f"Image file not in the images folder: {path}")
            return None
        if self.dry_run:
            return None
        description = alt or source.stem.replace("-", " ").replace("_", " ")
        try:
            image = create_image(source.read_bytes(), description, original_name=source.name)
        except FieldError as exc:
            self.warnings.append(f"Image {path} refused: {exc.message}")
            return None
        image.ghost_path = path
        db.session.flush()
        return image

    def would_import(self, url: str) -> bool:
        """On a dry run: whether the image's file is there to import."""
        path = image_path(url)
        return self.dry_run and bool(path) and self._source_file(path) is not None

    def _source_file(self, path: str) -> Path | None:
        if self.folder is None:
            return None
        candidate = (self.folder / PurePosixPath(path)).resolve()
        inside = candidate.is_relative_to(self.folder)  # a hostile path never leaves it
        return candidate if inside and candidate.is_file() else None


def _images_folder(folder: Path) -> Path:
    """``content/images`` whether the folder given is it, ``content`` or the site's root."""
    for candidate in (folder / "content" / "images", folder / "images"):
        if candidate.is_dir():
            return candidate
    return folder
