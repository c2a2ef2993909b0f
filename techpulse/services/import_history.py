"""The history of imports from other sites (written by the import commands)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import select

from techpulse.clock import utcnow
from techpulse.extensions import db
from techpulse.models import ImportRun

if TYPE_CHECKING:
    from techpulse.services.wordpress.summary import Summary


def recent_runs(page: int = 1, per_page: int = 20) -> Pagination:
    """Import runs, newest first."""
    query = select(ImportRun).order_by(ImportRun.started_at.desc(), ImportRun.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def record_run(source: str, filename: str, started: datetime, summary: Summary) -> None:
    """Keep one import's summary (WordPress or Ghost, command line or staff area)."""
    db.session.add(
        ImportRun(
            source=source,
            filename=filename[:255],
            started_at=started,
            finished_at=utcnow(),
            imported=summary.imported,
            updated=summary.updated,
            unchanged=summary.unchanged,
            skipped=summary.skipped_total,
            details=summary.details(),
        )
    )
    db.session.commit()
