"""What a move from another site leaves behind: its old addresses and the import history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from techpulse.clock import utcnow
from techpulse.extensions import db
from techpulse.models.types import UTCDateTime


class LegacyRedirect(db.Model):
    """An address of the old site, answered with one 301 to what it became here.

    ``path`` is the decoded path without its trailing slash ("/2024/05/01/hello"), or a
    query address such as "?p=42". The target is resolved when the request comes, so a later
    slug change here never makes a chain of redirects.
    """

    __tablename__ = "legacy_redirects"

    path: Mapped[str] = mapped_column(String(500), primary_key=True)
    # "article", "page", "category", "tag", "author", "image" (an uploads file), "attachment"
    # (an attachment page: the story showing the image) (target_id is its row id) or "url".
    target_type: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[int | None]
    target_url: Mapped[str] = mapped_column(String(500), default="")

    def __repr__(self) -> str:
        return f"<LegacyRedirect {self.path} → {self.target_type} {self.target_id or ''}>"


class ImportRun(db.Model):
    """One run of an import command, with the summary it printed."""

    __tablename__ = "import_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(40))  # e.g. "wordpress"
    filename: Mapped[str] = mapped_column(String(255))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    imported: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    skipped: Mapped[int] = mapped_column(default=0)
    # {"skipped": [[item, reason]…], "warnings": [text…], "comments": n, …}
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    def __repr__(self) -> str:
        return f"<ImportRun {self.id} {self.filename}>"


class ImportJob(db.Model):
    """An import started from the staff area: its files, a dry run, then the real run.

    Kept in the database so any worker can show its progress; the worker running it writes
    ``heartbeat_at`` as it goes, so a job whose worker died is shown as failed.
    """

    __tablename__ = "import_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(40))  # "wordpress" or "ghost"
    filename: Mapped[str] = mapped_column(String(255))
    media_filename: Mapped[str] = mapped_column(String(255), default="")
    old_url: Mapped[str] = mapped_column(String(500), default="")  # Ghost: the old address
    folder: Mapped[str] = mapped_column(String(500))  # where its files are on disk
    # checking → checked → running → done; or failed at any step
    state: Mapped[str] = mapped_column(String(16), default="checking")
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    report: Mapped[list[str]] = mapped_column(JSON, default=list)  # the dry run's summary
    result: Mapped[list[str]] = mapped_column(JSON, default=list)  # the real run's summary
    error: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<ImportJob {self.id} {self.state}>"
