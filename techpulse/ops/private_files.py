"""Files that hold the site's data or secrets: created readable by their owner only (0600).

The database, backups and exports hold password hashes, two-factor secrets and unpublished
text; the web server never serves them, so nobody but the site's own user needs to read them.
Modes are set when a file is created (``os.open``), never by changing the process umask,
which every thread shares.
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


def private_folder(path: Path) -> Path:
    """Create ``path`` (and its parents) if missing; a folder created here is 0700."""
    if not path.is_dir():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            path.mkdir(mode=PRIVATE_FOLDER)
        except FileExistsError:
            pass
    return path


def create_private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 unless it exists (an empty file is a valid SQLite)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    except FileExistsError:
        pass


def write_private_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path``, which is created 0600 (or truncated, keeping its mode)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    with os.fdopen(os.open(path, flags, PRIVATE_FILE), "w", encoding="utf-8") as handle:
        handle.write(text)


def write_private_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path``, which is created 0600."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    with os.fdopen(os.open(path, flags, PRIVATE_FILE), "wb") as handle:
        handle.write(data)


def sqlite_database_file(path: Path) -> None:
    """Create a SQLite database file 0600 before SQLite does (it would use 0644); its -wal
    and -shm files copy its mode. An existing file loses any permission for others."""
    create_private_file(path)
    for name in (path.name, f"{path.name}-wal", f"{path.name}-shm", f"{path.name}-journal"):
        candidate = path.with_name(name)
        try:
            mode = candidate.stat().st_mode & 0o777
            if mode & 0o007:
                os.chmod(candidate, mode & ~0o007)
        except OSError:
            continue
