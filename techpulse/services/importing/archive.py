"""The images of an import, sent as a zip: unpacked safely, streamed, within limits."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path, PurePosixPath

CHUNK = 1024 * 1024
MAX_MEMBERS = 200_000


class ArchiveRefused(ValueError):
    """The zip cannot be unpacked; ``str(exc)`` says why."""


def unpack_media(archive: Path, into: Path, max_bytes: int) -> Path:
    """Unpack ``archive`` into ``into``; return the folder holding the year folders.

    Paths that would leave ``into`` (absolute, ``..``), links and anything past
    ``max_bytes`` unpacked are refused; files are copied in chunks, never read whole.
    """
    try:
        zipped = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ArchiveRefused("The images file is not a zip archive.") from exc
    with zipped:
        members = zipped.infolist()
        if len(members) > MAX_MEMBERS:
            raise ArchiveRefused(f"The zip holds more than {MAX_MEMBERS} files.")
        written = 0
        for member in members:
            target = _target(into, member)
            if target is None:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with zipped.open(member) as source, target.open("wb") as out:
                while chunk := source.read(CHUNK):
                    written += len(chunk)
                    if written > max_bytes:
                        raise ArchiveRefused(
                            f"The images unpack to more than {max_bytes // (1024 * 1024)} MB."
                        )
                    out.write(chunk)
    return media_root(into)


def _target(into: Path, member: zipfile.ZipInfo) -> Path | None:
    """Where a member goes, or None for folders, links and paths outside ``into``."""
    if member.is_dir() or (member.external_attr >> 16) & 0o170000 == 0o120000:  # a symlink
        return None
    parts = PurePosixPath(member.filename.replace("\\", "/")).parts
    if not parts or parts[0] in ("/", "") or ".." in parts or parts[0].startswith("__MACOSX"):
        return None
    target = into.joinpath(*parts)
    return target if target.resolve().is_relative_to(into.resolve()) else None


def media_root(folder: Path) -> Path:
    """The uploads (WordPress) or content/images (Ghost) folder inside an unpacked zip."""
    for pattern in ("wp-content/uploads", "*/wp-content/uploads", "uploads", "*/uploads",
                    "content/images", "*/content/images", "images", "*/images"):  # fmt: skip
        found = sorted(path for path in folder.glob(pattern) if path.is_dir())
        if found:
            return found[0]
    return folder


def remove_folder(folder: Path) -> None:
    """Delete a job's files (its export and images) once they are no longer needed."""
    shutil.rmtree(folder, ignore_errors=True)
