"""``flask import-wordpress``: move a WordPress site in one command."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("import-wordpress")
@click.argument("export", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--uploads",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A copy of the old site's wp-content/uploads folder (for images).",
)
@click.option("--dry-run", is_flag=True, help="Show what would happen; write nothing.")
@with_appcontext
def import_wordpress_command(export: Path, uploads: Path | None, dry_run: bool) -> None:
    """Import a WordPress export (Tools → Export) with its images and old addresses."""
    # Imported here: a serving worker never needs the importer or its XML parser.
    from techpulse.services.importing.schema import SchemaBehind, check_schema
    from techpulse.services.wordpress.importer import WordPressImport
    from techpulse.services.wordpress.wxr import WxrError

    try:
        check_schema()
    except SchemaBehind as exc:
        raise click.ClickException(str(exc)) from exc
    job = WordPressImport(export, uploads, dry_run)
    # Old addresses and image URLs use url_for, which needs a request; "cli" is the audit IP.
    context = current_app.test_request_context("/", environ_base={"REMOTE_ADDR": "cli"})
    try:
        total = job.scan()
        with context, click.progressbar(length=total, label="Importing") as bar:
            summary = job.run(lambda: bar.update(1))
    except WxrError as exc:
        raise click.ClickException(f"{export.name}: {exc}") from exc
    for line in summary.lines():
        click.echo(line)
