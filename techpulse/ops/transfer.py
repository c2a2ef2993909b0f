"""``flask export`` / ``flask import``: every table as JSON plus the uploads, any database."""

from __future__ import annotations

import base64
import json
import tempfile
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import Table, func, inspect, select, text
from sqlalchemy.types import TypeDecorator

from techpulse.extensions import db
from techpulse.ops.archive import (
    dated_path,
    extract_archive,
    is_archive_name,
    read_manifest,
    write_archive,
)
from techpulse.ops.instance import (
    OperationRefused,
    record_operation,
    refuse_unless_empty,
    replace_uploads,
    upload_files,
    upload_folder,
)
from techpulse.ops.private_files import private_folder, write_private_bytes, write_private_text
from techpulse.ops.schema import database_revision

FORMAT = "techpulse-export"
BATCH = 500


def export_site(destination: Path | None, advance: Callable[[int], None]) -> Path:
    """Write content.json and the uploads to a folder, or to a .tar.gz when the name says so."""
    if destination is not None and not is_archive_name(destination):
        target = destination  # a folder of its own
    else:
        target = dated_path(destination, Path(current_app.instance_path) / "exports", FORMAT)
    document = {
        "format": FORMAT,
        "version": 1,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "source_database": db.engine.dialect.name,
        "revision": sorted(database_revision()),
        "tables": {table.name: _rows(table) for table in db.metadata.sorted_tables},
    }
    db.session.rollback()
    files = upload_files()
    folder = upload_folder()
    if is_archive_name(target):
        with tempfile.TemporaryDirectory() as tmp:
            manifest = Path(tmp) / "manifest.json"
            manifest.write_text(json.dumps(document, default=_encode))
            members = [(manifest, "manifest.json")]
            members += [(folder / name, f"uploads/{name.as_posix()}") for name in files]
            skipped = write_archive(target, members, advance, skip_vanished=True)
        count = len(files) - len(skipped)
        record_operation("site.exported", target.name, f"{count} uploaded files")
        return target
    if target.exists() and any(target.iterdir()):
        raise OperationRefused(f"{target} is not empty; export into a new folder.")
    private_folder(target)
    write_private_text(target / "manifest.json", json.dumps(document, default=_encode))
    replace_into = target / "uploads"
    count = 0
    for name in files:
        (replace_into / name).parent.mkdir(parents=True, exist_ok=True)
        try:
            data = (folder / name).read_bytes()
        except FileNotFoundError:  # an image deleted since the listing
            continue
        finally:
            advance(1)
        write_private_bytes(replace_into / name, data)
        count += 1
    record_operation("site.exported", target.name, f"{count} uploaded files")
    return target


def import_site(source: Path, force: bool) -> dict[str, int]:
    """Load an export into this (empty) instance; returns the number of rows per table."""
    refuse_unless_empty(force, "importing")
    with tempfile.TemporaryDirectory() as tmp:
        folder = source if source.is_dir() else _unpacked(source, Path(tmp))
        document = read_manifest(folder, FORMAT)
        _check_revision(document)
        counts = _load_tables(document["tables"])
        counts["uploads"] = replace_uploads(folder / "uploads")
    record_operation("site.imported", source.name, f"{sum(counts.values())} rows and files")
    return counts


def _unpacked(archive: Path, into: Path) -> Path:
    extract_archive(archive, into)
    return into


def _rows(table: Table) -> list[dict[str, Any]]:
    order = list(table.primary_key.columns)
    rows = db.session.execute(select(table).order_by(*order)).mappings()
    return [dict(row) for row in rows]


def _encode(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    raise TypeError(f"cannot export a {type(value).__name__}")


def _check_revision(document: dict[str, Any]) -> None:
    theirs, ours = set(document.get("revision") or []), set(database_revision())
    if theirs and ours and theirs != ours:
        raise OperationRefused(
            f"The export is at schema revision {', '.join(sorted(theirs))} and this database at "
            f"{', '.join(sorted(ours))}; run `flask db upgrade` on the older one first."
        )


def _load_tables(tables: dict[str, list[dict[str, Any]]]) -> dict[str, int]:
    existing = set(inspect(db.session.connection()).get_table_names())
    counts: dict[str, int] = {}
    for table in reversed(db.metadata.sorted_tables):
        if table.name in existing:
            db.session.execute(table.delete())
    for table in db.metadata.sorted_tables:
        rows = [_decode_row(table, row) for row in tables.get(table.name, [])]
        for start in range(0, len(rows), BATCH):
            db.session.execute(table.insert(), rows[start : start + BATCH])
        counts[table.name] = len(rows)
    _advance_sequences()
    db.session.commit()
    return counts


def _decode_row(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    decoded = {}
    for name, value in row.items():
        if name not in table.columns:
            raise OperationRefused(f"Column {table.name}.{name} does not exist in this schema.")
        decoded[name] = _decode(table.columns[name].type, value)
    return decoded


def _decode(column_type: Any, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(column_type, TypeDecorator):
        column_type = column_type.impl_instance
    try:
        python_type = column_type.python_type
    except NotImplementedError:
        return value
    if python_type is datetime:
        return datetime.fromisoformat(value)
    if python_type is date:
        return date.fromisoformat(value)
    if python_type is bytes:
        return base64.b64decode(value)
    return value


def _advance_sequences() -> None:
    # Rows came with their ids; PostgreSQL's sequences must continue after the largest one.
    if db.engine.dialect.name != "postgresql":
        return
    for table in db.metadata.sorted_tables:
        for column in table.primary_key.columns:
            if not column.autoincrement or column.type.python_type is not int:
                continue
            sequence = db.session.execute(
                text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": column.name}
            ).scalar()
            if sequence:
                highest = db.session.execute(select(func.max(column))).scalar() or 0
                db.session.execute(
                    text("SELECT setval(:s, :v, :called)"),
                    {"s": sequence, "v": max(highest, 1), "called": highest > 0},
                )
