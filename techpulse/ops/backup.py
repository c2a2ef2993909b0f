"""``flask backup`` / ``flask restore``: a consistent database snapshot plus the uploads."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable
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
from techpulse.ops.schema import database_revision

FORMAT = "techpulse-backup"
# Called once with the number of steps, then once per step done.
Progress = Callable[[int], None]


def create_backup(destination: Path | None, start: Progress, advance: Progress) -> Path:
    """Snapshot the database (while the site keeps writing), then add every upload."""
    target = dated_path(destination, Path(current_app.instance_path) / "backups", FORMAT)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".techpulse-backup-", dir=target.parent) as tmp:
        work = Path(tmp)
        dialect = db.engine.dialect.name
        snapshot = work / ("database.sqlite" if dialect == "sqlite" else "database.pgdump")
        revision = sorted(database_revision())
        db.session.rollback()
        # Files are written before their image row commits, so listing uploads after the
        # snapshot finds the files of every image in it.
        _snapshot_database(snapshot)
        files = upload_files()
        manifest = {
            "format": FORMAT,
            "version": 1,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": dialect,
            "revision": revision,
            "uploads": len(files),
        }
        (work / "manifest.json").write_text(json.dumps(manifest, indent=2))
        members = [(work / "manifest.json", "manifest.json"), (snapshot, snapshot.name)]
        folder = upload_folder()
        members += [(folder / name, f"uploads/{name.as_posix()}") for name in files]
        start(len(members) + 1)
        advance(1)  # the database snapshot
        write_archive(target, members, advance)
    record_operation("site.backed_up", target.name, f"{len(files)} uploaded files")
    return target


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


def _snapshot_database(snapshot: Path) -> None:
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(_sqlite_path(url), timeout=30)
        copy = sqlite3.connect(snapshot)
        try:
            # One step: the whole copy is read in one transaction, so it is one consistent
            # snapshot, and writers carry on (WAL) instead of restarting a paged copy.
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        return
    # pg_dump reads in one repeatable-read transaction: a consistent snapshot by design.
    _run_pg("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", f"--file={snapshot}"])


def _restore_sqlite(snapshot: Path) -> None:
    target = Path(_sqlite_path(db.engine.url))
    target.parent.mkdir(parents=True, exist_ok=True)
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
