"""Where uploaded image files live: a local folder (default) or the database.

``TECHPULSE_MEDIA_STORAGE=local`` keeps files under UPLOAD_FOLDER, as one server needs.
``TECHPULSE_MEDIA_STORAGE=database`` keeps the original and every variant as rows of
``media_blobs`` in the site's database (SQLite or PostgreSQL), so any number of app hosts
serve every image without a shared disk.

Either way a file belongs to the transaction that writes its Image: it is there once that
commits, and gone if it rolls back; a deleted image's files go when the delete commits.
Names are random and never reused, so every file is served as immutable.
"""

from __future__ import annotations

import mimetypes
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from flask import abort, current_app, request, send_from_directory
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, SessionTransaction
from werkzeug.wrappers import Response

from techpulse.database import listen_once
from techpulse.extensions import db
from techpulse.models import MediaBlob

if TYPE_CHECKING:
    # Pillow (media.imaging) is imported by an upload or a delete, never to serve a file.
    from techpulse.services.media.imaging import ProcessedImage, Variant

# Writes files into the folder it is given and returns what it wrote.
FileWriter = Callable[[Path], "list[Variant]"]

ONE_YEAR = 365 * 24 * 3600
BACKENDS = ("local", "database")
_WRITTEN = "techpulse.media_files_written"  # removed if the transaction rolls back
_DOOMED = "techpulse.media_files_doomed"  # removed once the transaction commits


class MediaStorage(ABC):
    """Stores, serves and removes the files of uploaded images."""

    @abstractmethod
    def store(self, data: bytes) -> ProcessedImage:
        """Validate and process an upload; its files join the current transaction."""

    @abstractmethod
    def add(self, write: FileWriter) -> list[Variant]:
        """Store more files of an existing image (``write`` makes them); joins the transaction."""

    @abstractmethod
    def read(self, name: str) -> bytes | None:
        """The bytes of one stored file, or None when it is not there."""

    @abstractmethod
    def serve(self, name: str) -> Response:
        """One stored file as an immutable, cacheable response (404 when unknown)."""

    @abstractmethod
    def remove(self, names: Iterable[str]) -> None:
        """Remove files of an image deleted in the current transaction."""


def _immutable(response: Response) -> Response:
    response.cache_control.max_age = ONE_YEAR
    response.cache_control.public = True
    response.cache_control.immutable = True
    # max-age says it all; "inline" is what a picture is anyway. A phone's first visit
    # fetches several pictures, and over HTTP/1.1 every header line is paid for each one.
    response.headers.pop("Expires", None)
    response.headers.pop("Content-Disposition", None)
    return response


class LocalStorage(MediaStorage):
    """Files in a folder on this server's disk."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def store(self, data: bytes) -> ProcessedImage:
        from techpulse.services.media.imaging import process_image

        processed = process_image(data, self.folder)
        written = db.session.info.setdefault(_WRITTEN, [])
        written.extend(self.folder / name for name in processed.files())
        return processed

    def add(self, write: FileWriter) -> list[Variant]:
        variants = write(self.folder)
        db.session.info.setdefault(_WRITTEN, []).extend(self.folder / v.file for v in variants)
        return variants

    def read(self, name: str) -> bytes | None:
        path = self.folder / Path(name).name
        return path.read_bytes() if path.is_file() else None

    def serve(self, name: str) -> Response:
        return _immutable(send_from_directory(self.folder, name, max_age=ONE_YEAR))

    def remove(self, names: Iterable[str]) -> None:
        names = list(names)
        for name in names:  # refuse path tricks now, not after the commit
            if name in ("", ".", "..") or Path(name).name != name:
                raise ValueError(f"Refusing to delete unsafe file name {name!r}")
        db.session.info.setdefault(_DOOMED, []).append((self.folder, names))


class DatabaseStorage(MediaStorage):
    """Files as rows of ``media_blobs``, shared by every app host using the database."""

    def store(self, data: bytes) -> ProcessedImage:
        from techpulse.services.media.imaging import process_image

        with tempfile.TemporaryDirectory(prefix="techpulse-upload-") as scratch:
            processed = process_image(data, Path(scratch))
            for variant in processed.variants:
                blob = (Path(scratch) / variant.file).read_bytes()
                mime = f"image/{variant.format}"
                db.session.add(MediaBlob(name=variant.file, content_type=mime, data=blob))
        return processed

    def add(self, write: FileWriter) -> list[Variant]:
        with tempfile.TemporaryDirectory(prefix="techpulse-upload-") as scratch:
            variants = write(Path(scratch))
            for variant in variants:
                blob = (Path(scratch) / variant.file).read_bytes()
                mime = f"image/{variant.format}"
                db.session.add(MediaBlob(name=variant.file, content_type=mime, data=blob))
        return variants

    def read(self, name: str) -> bytes | None:
        return db.session.execute(select(MediaBlob.data).where(MediaBlob.name == name)).scalar()

    def serve(self, name: str) -> Response:
        blob = db.session.execute(
            select(MediaBlob.data, MediaBlob.content_type).where(MediaBlob.name == name)
        ).first()
        if blob is None:
            abort(404)
        mime = blob.content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
        response = Response(blob.data, mimetype=mime)
        response.set_etag(name)  # a name is never reused for other bytes
        return _immutable(response.make_conditional(request))

    def remove(self, names: Iterable[str]) -> None:
        db.session.execute(delete(MediaBlob).where(MediaBlob.name.in_(list(names))))


def media_storage() -> MediaStorage:
    """The storage the configuration names (MEDIA_STORAGE: local or database)."""
    backend = str(current_app.config.get("MEDIA_STORAGE", "local")).strip().lower()
    if backend == "local":
        return LocalStorage(Path(current_app.config["UPLOAD_FOLDER"]))
    if backend == "database":
        return DatabaseStorage()
    raise RuntimeError(f"MEDIA_STORAGE must be one of {', '.join(BACKENDS)}, not {backend!r}")


def _settle_files(session: Session) -> None:
    session.info.pop(_WRITTEN, None)
    doomed = session.info.pop(_DOOMED, [])
    if doomed:
        from techpulse.services.media.backup_hold import files_lock
        from techpulse.services.media.imaging import delete_files

        for folder, names in doomed:
            with files_lock(folder, exclusive=False):  # not while a backup holds the files
                delete_files(folder, names)


def _remove_files_of_rolled_back_images(session: Session, transaction: SessionTransaction) -> None:
    # Runs after commit (nothing left to remove) and after rollback or close (orphans).
    if transaction.parent is None:
        session.info.pop(_DOOMED, None)
        for path in session.info.pop(_WRITTEN, []):
            path.unlink(missing_ok=True)


def install() -> None:
    """Listen to every ORM session: files follow their transaction (kept, or removed)."""
    listen_once(
        Session,
        (
            ("after_commit", _settle_files),
            ("after_transaction_end", _remove_files_of_rolled_back_images),
        ),
    )
