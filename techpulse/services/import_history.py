"""The history of imports from other sites (written by the import commands)."""

from __future__ import annotations

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import select

from techpulse.extensions import db
from techpulse.models import ImportRun


def recent_runs(page: int = 1, per_page: int = 20) -> Pagination:
    """Import runs, newest first."""
    query = select(ImportRun).order_by(ImportRun.started_at.desc(), ImportRun.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
