"""Imports started from the staff area: files kept on disk, a dry run, then the real run.

Each step runs in a thread of the worker that was asked (an import is rare, one at a time,
and already commits item by item, so a thread is enough; no queue to deploy). Its state is
a row in ``import_jobs`` that any worker reads to show the progress. While a step runs, a
small ticker writes ``heartbeat_at`` every few seconds; a running job whose heartbeat has
stopped (its worker was restarted or died) is shown, and recorded, as failed.
"""

from __future__ import annotations

import secrets
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any, Protocol

from flask import Flask, current_app
from sqlalchemy import select, update
from werkzeug.datastructures import FileStorage

from techpulse.clock import utcnow
from techpulse.extensions import db
from techpulse.models import ImportJob
from techpulse.services.importing.archive import remove_folder
from techpulse.services.wordpress.summary import Summary
from techpulse.web.field_errors import FieldError

SOURCES = {"wordpress": "WordPress", "ghost": "Ghost"}
EXPORT_NAMES = {"wordpress": "export.xml", "ghost": "export.json"}
HEARTBEAT_SECONDS = 5
STALE_AFTER = timedelta(seconds=60)  # twelve missed heartbeats: the worker is gone
ACTIVE = ("checking", "running")
BUSY = "Another import is running: wait until it has finished, then start this one."
STOPPED = (
    "The import stopped: the worker running it ended (a restart, a deploy or a crash). "
    "Start it again: an import can run again safely, what is there already is kept."
)


class _Importer(Protocol):
    def scan(self) -> int: ...

    def run(self, advance: Any) -> Summary: ...


def imports_folder() -> Path:
    """Where uploaded exports and images wait for their import (under the instance folder)."""
    return Path(current_app.instance_path) / "imports"


def create_job(
    source: str, export: FileStorage, media: FileStorage | None, user_id: int, old_url: str = ""
) -> ImportJob:
    """Save the uploaded files (streamed to disk) and start the dry run in the background."""
    if source not in SOURCES:
        raise FieldError("source", "Choose WordPress or Ghost.")
    if not export or not export.filename:
        raise FieldError("export", "Choose the export file to import.")
    if busy():
        raise FieldError("export", BUSY)
    has_media = bool(media and media.filename)
    job = ImportJob(
        source=source,
        filename=Path(export.filename).name[:255],
        media_filename=Path(media.filename).name[:255] if has_media and media else "",
        old_url=old_url.strip()[:500],
        folder="",
        state="checking",
        created_by_id=user_id,
    )
    db.session.add(job)
    db.session.flush()
    folder = imports_folder() / f"{job.id}-{secrets.token_hex(8)}"
    folder.mkdir(parents=True)
    export.save(folder / EXPORT_NAMES[source])  # copied in chunks from the spooled upload
    if has_media and media:
        media.save(folder / "media.zip")
    job.folder = str(folder)
    db.session.commit()
    start(job, dry_run=True)
    return job


def busy() -> bool:
    """Whether an import is running now (one at a time: they would write the same rows)."""
    fresh = utcnow() - STALE_AFTER
    query = select(ImportJob.id).where(ImportJob.state.in_(ACTIVE), ImportJob.heartbeat_at > fresh)
    return db.session.scalar(query.limit(1)) is not None


def start_real_run(job: ImportJob) -> bool:
    """Start the real import of a job whose dry run is done; False if not ready or busy."""
    if busy():
        return False
    changed = db.session.execute(
        update(ImportJob)
        .where(ImportJob.id == job.id, ImportJob.state == "checked")
        .values(state="running", done=0, heartbeat_at=utcnow())
    ).rowcount
    db.session.commit()
    if changed:
        start(job, dry_run=False)
    return bool(changed)


def start(job: ImportJob, dry_run: bool) -> None:
    """Run one step of the job in a thread of this worker."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    name = f"import-job-{job.id}-{'dry' if dry_run else 'run'}"
    threading.Thread(target=_work, args=(app, job.id, dry_run), name=name, daemon=True).start()


def job_for_view(job_id: int) -> ImportJob | None:
    """The job, with a running job whose worker has gone marked failed."""
    job = db.session.get(ImportJob, job_id)
    if job is not None and job.state in ACTIVE and utcnow() - job.heartbeat_at > STALE_AFTER:
        job.state, job.error = "failed", STOPPED
        db.session.commit()
    return job


def recent_jobs(limit: int = 5) -> list[ImportJob]:
    """The latest jobs, newest first (for the imports page)."""
    query = select(ImportJob).order_by(ImportJob.created_at.desc(), ImportJob.id.desc())
    return [job_for_view(job.id) or job for job in db.session.scalars(query.limit(limit))]


def status(job: ImportJob) -> dict[str, Any]:
    """What the progress page and its script show."""
    percent = round(100 * job.done / job.total) if job.total else 0
    return {
        "id": job.id,
        "state": job.state,
        "done": job.done,
        "total": job.total,
        "percent": min(percent, 100),
        "report": job.report,
        "result": job.result,
        "error": job.error,
    }


def _set(job_id: int, **values: Any) -> None:
    """Write the job's progress on a connection of its own (the import has its session)."""
    with db.engine.begin() as connection:
        connection.execute(
            update(ImportJob).where(ImportJob.id == job_id).values(heartbeat_at=utcnow(), **values)
        )


def _work(app: Flask, job_id: int, dry_run: bool) -> None:
    """One step of a job, start to end; any failure is recorded on the job, never raised."""
    with app.app_context():
        beating = threading.Event()
        ticker = threading.Thread(target=_beat, args=(app, job_id, beating), daemon=True)
        ticker.start()
        try:
            lines = _run_step(app, job_id, dry_run)
            final = {"report": lines} if dry_run else {"result": lines}
            _set(job_id, state="checked" if dry_run else "done", **final)
            if not dry_run:  # imported: the uploaded files are no longer needed
                folder = db.session.scalar(select(ImportJob.folder).where(ImportJob.id == job_id))
                if folder:
                    remove_folder(Path(folder))
        except Exception as exc:  # shown on the page; the log keeps the traceback
            db.session.rollback()
            app.logger.exception("Import job %s failed", job_id)
            _set(job_id, state="failed", error=_explain(exc))
        finally:
            beating.set()
            db.session.remove()


def _beat(app: Flask, job_id: int, stop: threading.Event) -> None:
    with app.app_context():
        while not stop.wait(HEARTBEAT_SECONDS):
            with db.engine.begin() as connection:
                connection.execute(
                    update(ImportJob)
                    .where(ImportJob.id == job_id, ImportJob.state.in_(ACTIVE))
                    .values(heartbeat_at=utcnow())
                )


def _run_step(app: Flask, job_id: int, dry_run: bool) -> list[str]:
    from techpulse.services.importing.schema import check_schema

    check_schema()
    job = db.session.get(ImportJob, job_id)
    assert job is not None
    importer = _importer(app, job, dry_run)
    db.session.rollback()  # no read transaction left open: the import's begin with a write
    total = importer.scan()
    _set(job_id, total=total, done=0)
    counter = _Counter(job_id, total)
    # A writing request's context: on SQLite each transaction then takes the write lock at
    # BEGIN and waits its turn, as the progress writes of this job may come in between.
    context = app.test_request_context(
        "/", method="POST", environ_base={"REMOTE_ADDR": "staff-area"}
    )
    with context:
        summary = importer.run(counter.advance)
    return summary.lines()


def _importer(app: Flask, job: ImportJob, dry_run: bool) -> _Importer:
    from techpulse.services.importing.archive import unpack_media

    folder = Path(job.folder)
    media: Path | None = None
    if (folder / "media.zip").exists():
        unpacked = folder / "media"
        if not unpacked.exists():
            limit = int(app.config["IMPORT_MAX_MEDIA_BYTES"])
            media = unpack_media(folder / "media.zip", unpacked, limit)
        else:
            from techpulse.services.importing.archive import media_root

            media = media_root(unpacked)
    export = folder / EXPORT_NAMES[job.source]
    if job.source == "ghost":
        from techpulse.services.ghost.importer import GhostImport

        return GhostImport(export, media, dry_run, job.old_url)
    from techpulse.services.wordpress.importer import WordPressImport

    return WordPressImport(export, media, dry_run)


class _Counter:
    """Counts items done, writing the count at most every half second (and at the end)."""

    def __init__(self, job_id: int, total: int) -> None:
        self.job_id, self.total, self.done = job_id, total, 0
        self.written = utcnow()

    def advance(self) -> None:
        self.done += 1
        now = utcnow()
        if self.done == self.total or now - self.written > timedelta(milliseconds=500):
            self.written = now
            _set(self.job_id, done=self.done)


def _explain(exc: Exception) -> str:
    """A failure as staff read it: the importers' own messages as they are."""
    from techpulse.services.ghost.export import GhostError
    from techpulse.services.importing.archive import ArchiveRefused
    from techpulse.services.importing.schema import SchemaBehind
    from techpulse.services.wordpress.wxr import WxrError

    if isinstance(exc, WxrError | GhostError | ArchiveRefused | SchemaBehind):
        return str(exc)
    return f"The import failed: {type(exc).__name__}: {str(exc)[:300]}"
