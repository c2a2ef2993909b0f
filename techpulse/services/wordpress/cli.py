"""``flask import-wordpress``: move a WordPress site in one command."""

from __future__ import annotations

from pathlib import Path

import click
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
    from techpulse.services.importing.command import ensure_schema, run_import
    from techpulse.services.wordpress.importer import WordPressImport
    from techpulse.services.wordpress.wxr import WxrError

    ensure_schema()
    run_import(WordPressImport(export, uploads, dry_run), export, WxrError)
