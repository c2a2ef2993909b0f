"""``flask backup`` / ``flask restore``: a consistent database snapshot plus the uploads."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app
from sqlalchemy.engine import URL

from techpulse.extensions import db
from techpulse.ops.archive import dated_path, extract_archive, read_manifest, write_archive
from techpulse.ops.instance import (
    OperationRefused,
    record_operation,
    refuse_unless_empty,
    replace_uploads,
    upload_files,
    upload_folder,
)
from techpulse.ops.private_files import private_folder, sqlite_database_file, write_private_text
from techpulse.ops.schema import database_revision
from techpulse.services.media.backup_hold import files_lock, link_or_copy

FORMAT = "techpulse-backup"
STALE_HOLD_SECONDS = 24 * 3600  # no backup holds its files this long
# Called once with the number of steps, then once per step done.
Progress = Callable[[int], None]


def create_backup(destination: Path | None, start: Progress, advance: Progress) -> Path:
    """Snapshot the database (while the site keeps writing), then add its uploaded files.

    Uploads still being written and files that vanish are left out; the files of every image
    in the snapshot are held (hard-linked) before any delete can remove them. A failure
    leaves no archive and no partial file behind.
    """
    target = dated_path(destination, Path(current_app.instance_path) / "backups", FORMAT)
    private_folder(target.parent)
    folder = upload_folder()
    dialect = db.engine.dialect.name
    revision = sorted(database_revision())
    db.session.rollback()
    with (
        tempfile.TemporaryDirectory(prefix=".techpulse-backup-", dir=target.parent) as tmp,
        _holding_folder(folder) as held,
    ):
        work = Path(tmp)
        snapshot = work / ("database.sqlite" if dialect == "sqlite" else "database.pgdump")
        files = _snapshot_with_files(snapshot, folder, held)
        manifest = {
            "format": FORMAT,
            "version": 1,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": dialect,
            "revision": revision,
            "uploads": len(files),
        }
        write_private_text(work / "manifest.json", json.dumps(manifest, indent=2))
        members = [(work / "manifest.json", "manifest.json"), (snapshot, snapshot.name)]
        members += [(held / name, f"uploads/{name.as_posix()}") for name in files]
        start(len(members) + 1)
        advance(1)  # the database snapshot
        write_archive(target, members, advance)
    record_operation("site.backed_up", target.name, f"{len(files)} uploaded files")
    return target


@contextmanager
def _holding_folder(folder: Path) -> Iterator[Path]:
    # Inside the upload folder, so holding a file is a hard link (same filesystem); its
    # dot name keeps it out of every listing of uploads.
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob(".backup-*"):  # left by a backup that was killed
        if stale.is_dir() and time.time() - stale.stat().st_mtime > STALE_HOLD_SECONDS:
            shutil.rmtree(stale, ignore_errors=True)
    held = Path(tempfile.mkdtemp(prefix=".backup-", dir=folder))
    try:
        yield held
    finally:
        shutil.rmtree(held, ignore_errors=True)


def _snapshot_with_files(snapshot: Path, folder: Path, held: Path) -> list[Path]:
    """Snapshot the database and hold the upload files, with deletions waiting meanwhile."""
    if db.engine.dialect.name == "sqlite":
        with files_lock(folder, exclusive=True):
            _snapshot_sqlite(snapshot)
            return _hold_files(folder, held)
    # PostgreSQL: deletions wait only while the snapshot is exported and files are linked;
    # pg_dump then reads exactly that snapshot, however long it takes.
    with db.engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection:
        with connection.begin():
            with files_lock(folder, exclusive=True):
                exported = connection.exec_driver_sql("SELECT pg_export_snapshot()").scalar()
                files = _hold_files(folder, held)
            _run_pg(
                "pg_dump",
                ["--format=custom", "--no-owner", "--no-privileges", f"--snapshot={exported}",
                 f"--file={snapshot}"],
            )  # fmt: skip
    return files


def _hold_files(folder: Path, held: Path) -> list[Path]:
    """Link every finished upload into ``held``; files gone meanwhile are left out."""
    return [name for name in upload_files() if link_or_copy(folder / name, held / name)]


def restore_backup(archive: Path, force: bool, start: Progress, advance: Progress) -> dict:
    """Put an archive's database and uploads in place; refuses a non-empty instance."""
    refuse_unless_empty(force, "restoring")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        extract_archive(archive, work)
        manifest = read_manifest(work, FORMAT)
        dialect = db.engine.dialect.name
        if manifest.get("database") != dialect:
            raise OperationRefused(
                f"This backup is of a {manifest.get('database')} database and this instance "
                f"uses {dialect}. Move between databases with `flask export` and `flask import`."
            )
        start(2)
        db.session.remove()
        db.engine.dispose()
        if dialect == "sqlite":
            _restore_sqlite(work / "database.sqlite")
        else:
            _restore_postgresql(work / "database.pgdump")
        advance(1)
        manifest["restored_uploads"] = replace_uploads(work / "uploads")
        advance(1)
    record_operation("site.restored", archive.name, f"backup of {manifest['created_at']}")
    return manifest


def _snapshot_sqlite(snapshot: Path) -> None:
    source = sqlite3.connect(_sqlite_path(db.engine.url), timeout=30)
    copy = sqlite3.connect(snapshot)
    try:
        # One step: the whole copy is read in one transaction, so it is one consistent
        # snapshot, and writers carry on (WAL) instead of restarting a paged copy.
        source.backup(copy)
    finally:
        copy.close()
        source.close()


def _restore_sqlite(snapshot: Path) -> None:
    target = Path(_sqlite_path(db.engine.url))
    sqlite_database_file(target)
    source = sqlite3.connect(snapshot)
    destination = sqlite3.connect(target, timeout=30)
    try:
        source.backup(destination)
    finally:
        destination.close()
        source.close()


def _restore_postgresql(dump: Path) -> None:
    _run_pg(
        "pg_restore",
        ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
         "--exit-on-error", "--dbname", db.engine.url.database or "", str(dump)],
    )  # fmt: skip


def _sqlite_path(url: URL) -> str:
    if not url.database or url.database == ":memory:":
        raise OperationRefused("An in-memory SQLite database cannot be backed up or restored.")
    return url.database


def _run_pg(tool: str, arguments: list[str]) -> None:
    executable = shutil.which(tool)
    if executable is None:
        raise OperationRefused(
            f"{tool} was not found. Install the PostgreSQL client of the server's major "
            "version (Debian: apt-get install postgresql-client)."
        )
    result = subprocess.run(
        [executable, *arguments], env=_pg_environment(db.engine.url), capture_output=True, text=True
    )
    if result.returncode != 0:
        raise OperationRefused(f"{tool} failed: {result.stderr.strip()[-800:]}")


def _pg_environment(url: URL) -> dict[str, str]:
    # Connection details travel in the environment, never on the command line (ps shows it).
    environment = dict(os.environ)
    for name, value in {
        "PGHOST": url.host,
        "PGPORT": url.port,
        "PGUSER": url.username,
        "PGPASSWORD": url.password,
        "PGDATABASE": url.database,
    }.items():
        if value is not None:
            environment[name] = str(value)
    return environment
