"""What an instance holds: its database tables and its uploaded files."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from flask import current_app
from sqlalchemy import func, inspect, select

from techpulse.extensions import db
from techpulse.services import audit

# What makes an instance "not empty". Bookkeeping tables (caches, counters) that a fresh
# `flask db upgrade` may fill are left out on purpose.
CONTENT_TABLES = (
    "users", "articles", "pages", "categories", "tags", "images", "contact_messages",
    "site_settings", "revisions", "audit_events",
)  # fmt: skip


class OperationRefused(Exception):
    """An operations command cannot go ahead; the message says why and what to do."""


def upload_folder() -> Path:
    """The folder uploaded images and their variants are stored in."""
    return Path(current_app.config["UPLOAD_FOLDER"])


def upload_files() -> list[Path]:
    """Every uploaded file, relative to the upload folder, in a stable order."""
    folder = upload_folder()
    if not folder.is_dir():
        return []
    # Names starting with a dot are work in progress, never an image's file: uploads being
    # written (.upload-*.part), readiness probes, a backup's lock and its held copies.
    # os.walk skips a folder that vanishes while it looks; a vanished file is the caller's.
    found: list[Path] = []
    for parent, folders, names in os.walk(folder):
        folders[:] = [name for name in folders if not name.startswith(".")]
        base = Path(parent).relative_to(folder)
        found += [base / name for name in names if not name.startswith(".")]
    return sorted(path for path in found if (folder / path).is_file())


def has_content() -> bool:
    """True when any content table has a row or any upload exists."""
    existing = set(inspect(db.session.connection()).get_table_names())
    for table in db.metadata.sorted_tables:
        if table.name in existing and table.name in CONTENT_TABLES:
            if db.session.execute(select(func.count()).select_from(table)).scalar_one():
                return True
    return bool(upload_files())


def refuse_unless_empty(force: bool, what: str) -> None:
    """Raise OperationRefused when the instance has content and ``force`` was not given."""
    if not force and has_content():
        raise OperationRefused(
            f"This instance already has content; {what} would overwrite it. "
            "Use --force to replace it, or point TECHPULSE_INSTANCE_PATH and "
            "TECHPULSE_DATABASE_URL at an empty instance."
        )


def replace_uploads(source: Path) -> int:
    """Make the upload folder hold exactly the files under ``source``; returns the file count."""
    folder = upload_folder()
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        shutil.copytree(source, folder, dirs_exist_ok=True)
    return sum(1 for path in folder.rglob("*") if path.is_file())


def record_operation(action: str, target: str, detail: str) -> None:
    """Keep a backup, restore, export or import in the audit log (committed)."""
    audit.record(action, target, detail)
    db.session.commit()
