"""Dated tar.gz archives: written atomically, read back without leaving the target folder."""

from __future__ import annotations

import json
import os
import tarfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from techpulse.ops.instance import OperationRefused


def is_archive_name(path: Path) -> bool:
    """True when ``path`` names a .tar.gz (or .tgz) file rather than a folder."""
    return path.name.endswith((".tar.gz", ".tgz"))


def dated_path(destination: Path | None, default_folder: Path, prefix: str) -> Path:
    """Where to write: an archive path as given, or a dated archive name inside a folder."""
    if destination is not None and is_archive_name(destination):
        return destination
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%SZ")
    return (destination or default_folder) / f"{prefix}-{stamp}.tar.gz"


def write_archive(path: Path, members: list[tuple[Path, str]], advance: Any) -> None:
    """Write ``(file, name in archive)`` pairs to ``path`` via a temp file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    with tarfile.open(partial, "w:gz") as archive:
        for source, name in members:
            archive.add(source, arcname=name, recursive=False)
            advance(1)
    os.replace(partial, path)


def extract_archive(path: Path, into: Path) -> None:
    """Unpack ``path`` into ``into``, refusing links and paths that leave it."""
    try:
        with tarfile.open(path, "r:*") as archive:
            archive.extractall(into, filter="data")
    except (tarfile.TarError, OSError) as error:
        raise OperationRefused(f"{path} is not a readable archive: {error}") from error


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
