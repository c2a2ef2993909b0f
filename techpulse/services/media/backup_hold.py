"""A backup and image deletions take turns on one lock file in the upload folder.

An image's files are removed once its delete commits. A backup takes its database snapshot
and then needs the files of every image in it, so deletions wait (a shared lock) while a
backup holds the files (the exclusive lock): from just before its snapshot until it has
hard-linked the files it will archive. That is a snapshot of the database and a few
``link()`` calls, not the whole archive, so a delete waits a moment at most.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = ".backup.lock"


@contextmanager
def files_lock(folder: Path, exclusive: bool) -> Iterator[None]:
    """Hold the upload folder's lock: exclusive for a backup, shared for deletions."""
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def link_or_copy(source: Path, target: Path) -> bool:
    """Hard-link ``source`` to ``target`` (copy across filesystems); False when it is gone."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except FileNotFoundError:
        return False
    except OSError:
        try:
            target.write_bytes(source.read_bytes())
        except FileNotFoundError:
            return False
    return True
