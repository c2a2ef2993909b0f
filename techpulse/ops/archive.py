"""Dated tar.gz archives: written atomically, read back without leaving the target folder."""

from __future__ import annotations

import json
import os
import shutil
import tarfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from techpulse.ops.instance import OperationRefused
from techpulse.ops.private_files import PRIVATE_FILE

# What an archive member may be: our archives hold only folders and regular files.
_ALLOWED_TYPES = (tarfile.DIRTYPE, tarfile.REGTYPE, tarfile.AREGTYPE)


def is_archive_name(path: Path) -> bool:
    """True when ``path`` names a .tar.gz (or .tgz) file rather than a folder."""
    return path.name.endswith((".tar.gz", ".tgz"))


def dated_path(destination: Path | None, default_folder: Path, prefix: str) -> Path:
    """Where to write: an archive path as given, or a dated archive name inside a folder."""
    if destination is not None and is_archive_name(destination):
        return destination
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%SZ")
    return (destination or default_folder) / f"{prefix}-{stamp}.tar.gz"


def write_archive(
    path: Path,
    members: list[tuple[Path, str]],
    advance: Callable[[int], Any],
    skip_vanished: bool = False,
) -> list[str]:
    """Write ``(file, name in archive)`` pairs to ``path`` via a private temp file and a rename.

    With ``skip_vanished`` a file deleted since it was listed is left out (its archive name is
    returned) instead of failing. On any failure the temp file is removed: nothing half-written.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    skipped: list[str] = []
    try:
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
        with (
            os.fdopen(os.open(partial, flags, PRIVATE_FILE), "wb") as handle,
            tarfile.open(fileobj=handle, mode="w:gz") as archive,
        ):
            for source, name in members:
                try:
                    archive.add(source, arcname=name, recursive=False)
                except FileNotFoundError:
                    if not skip_vanished:
                        raise
                    skipped.append(name)
                advance(1)
        os.chmod(partial, PRIVATE_FILE)  # an old partial file kept its mode
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return skipped


def extract_archive(path: Path, into: Path) -> None:
    """Unpack ``path`` into ``into``: only folders and regular files, never outside ``into``.

    Every member is checked by our own rules first (the same on every Python), then unpacked
    with tarfile's ``data`` filter where this Python has it (3.11.4+, 3.12+), else by hand.
    """
    try:
        with tarfile.open(path, "r:*") as archive:
            members = archive.getmembers()
            for member in members:
                check_member(member)
            if hasattr(tarfile, "data_filter"):
                archive.extractall(into, filter="data")
            else:
                _extract_checked(archive, members, into)
    except (tarfile.TarError, OSError) as error:
        raise OperationRefused(f"{path} is not a readable archive: {error}") from error


def check_member(member: tarfile.TarInfo) -> None:
    """Refuse (OperationRefused) a member that is not a plain folder or file inside the archive."""
    name = member.name
    parts = PurePosixPath(name).parts
    if not name or name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        raise OperationRefused(f"Refusing the archive: member {name!r} has an absolute path.")
    if ".." in parts or "\\" in name or "\x00" in name:
        raise OperationRefused(f"Refusing the archive: member {name!r} leaves the archive folder.")
    if member.type not in _ALLOWED_TYPES:
        kind = "a link" if member.issym() or member.islnk() else "a device, pipe or special file"
        raise OperationRefused(
            f"Refusing the archive: member {name!r} is {kind}; only folders and files are allowed."
        )


def _extract_checked(archive: tarfile.TarFile, members: list[tarfile.TarInfo], into: Path) -> None:
    """Unpack already checked members ourselves (Pythons without extraction filters)."""
    root = into.resolve()
    for member in members:
        target = (root / member.name).resolve()
        if target != root and root not in target.parents:
            raise OperationRefused(f"Refusing the archive: {member.name!r} leaves the folder.")
        if member.isdir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        source = archive.extractfile(member)
        if source is None:  # pragma: no cover - regular files always have data
            raise OperationRefused(f"Refusing the archive: {member.name!r} has no data.")
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
        with source, os.fdopen(os.open(target, flags, PRIVATE_FILE), "wb") as handle:
            shutil.copyfileobj(source, handle)


def read_manifest(folder: Path, expected_format: str) -> dict[str, Any]:
    """The manifest.json of an unpacked archive, checked to be of ``expected_format``."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text())
    except (OSError, ValueError) as error:
        raise OperationRefused(f"No readable manifest.json: not a {expected_format}.") from error
    if manifest.get("format") != expected_format:
        found = manifest.get("format")
        raise OperationRefused(f"This is not a {expected_format} (format {found}).")
    return manifest
