"""What ``flask import-wordpress`` and ``flask import-ghost`` share: the schema check, the
progress bar inside a request context, errors as one clear line, the summary printed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from flask import current_app

from techpulse.services.importing.schema import SchemaBehind, check_schema


def ensure_schema() -> None:
    """Stop with "run `flask db upgrade` first" on a database behind the code."""
    try:
        check_schema()
    except SchemaBehind as exc:
        raise click.ClickException(str(exc)) from exc


def run_import(job: Any, export: Path, read_error: type[Exception]) -> None:
    """Run ``job`` (scan, then run) with a progress bar and print its summary."""
    # Old addresses and image URLs use url_for, which needs a request; "cli" is the audit IP.
    context = current_app.test_request_context("/", environ_base={"REMOTE_ADDR": "cli"})
    try:
        total = job.scan()
        with context, click.progressbar(length=total, label="Importing") as bar:
            summary = job.run(lambda: bar.update(1))
    except read_error as exc:
        raise click.ClickException(f"{export.name}: {exc}") from exc
    for line in summary.lines():
        click.echo(line)
