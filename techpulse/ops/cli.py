"""``flask backup``, ``flask restore``, ``flask export`` and ``flask import``."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from techpulse.ops import backup, transfer
from techpulse.ops.instance import OperationRefused, upload_files

ArchivePath = click.Path(path_type=Path)
ExistingPath = click.Path(exists=True, path_type=Path)


class _Bar:
    """A click progress bar that learns its length once the work is counted."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar: Any = None

    def start(self, total: int) -> None:
        self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
        self.bar.__enter__()

    def advance(self, steps: int) -> None:
        if self.bar is not None:
            self.bar.update(steps)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


@contextmanager
def _progress(label: str) -> Iterator[_Bar]:
    bar = _Bar(label)
    try:
        yield bar
    except OperationRefused as error:
        raise click.ClickException(str(error)) from error
    finally:
        bar.finish()


@click.command("backup")
@click.argument("path", required=False, type=ArchivePath)
def backup_command(path: Path | None) -> None:
    """Write a dated backup archive (database snapshot + uploads) to PATH or instance/backups/."""
    with _progress("Backing up") as bar:
        written = backup.create_backup(path, bar.start, bar.advance)
    click.echo(f"Backup written to {written}")


@click.command("restore")
@click.argument("path", type=ExistingPath)
@click.option("--force", is_flag=True, help="Replace the content of a non-empty instance.")
def restore_command(path: Path, force: bool) -> None:
    """Restore a backup archive into this instance (empty unless --force)."""
    with _progress("Restoring") as bar:
        manifest = backup.restore_backup(path, force, bar.start, bar.advance)
    click.echo(
        f"Restored the backup of {manifest['created_at']} "
        f"({manifest['restored_uploads']} uploaded files)."
    )


@click.command("export")
@click.argument("path", required=False, type=ArchivePath)
def export_command(path: Path | None) -> None:
    """Export all content and settings as JSON plus images, to a folder or a .tar.gz."""
    with _progress("Exporting") as bar:
        bar.start(max(1, len(upload_files())))
        written = transfer.export_site(path, bar.advance)
    click.echo(f"Exported to {written}")


@click.command("import")
@click.argument("path", type=ExistingPath)
@click.option("--force", is_flag=True, help="Replace the content of a non-empty instance.")
def import_command(path: Path, force: bool) -> None:
    """Import an export (folder or archive) into this instance (empty unless --force)."""
    _ensure_schema()
    with _progress("Importing"):
        counts = transfer.import_site(path, force)
    summary = ", ".join(f"{count} {name}" for name, count in counts.items() if count)
    click.echo(f"Imported {summary or 'nothing'}.")


def _ensure_schema() -> None:
    """Build the schema with the migrations when the database has none yet."""
    from flask_migrate import upgrade
    from sqlalchemy import inspect

    from techpulse.extensions import db

    if not inspect(db.engine).has_table("articles"):
        upgrade()
