"""``flask import-ghost``: move a Ghost site in one command."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext


@click.command("import-ghost")
@click.argument("export", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--images",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A copy of the old site's content/images folder (for feature and inline images).",
)
@click.option(
    "--old-url",
    default="",
    help="The old site's address (https://blog.example.com): links to it are rewritten, "
    "images not found keep linking there.",
)
@click.option("--dry-run", is_flag=True, help="Show what would happen; write nothing.")
@with_appcontext
def import_ghost_command(export: Path, images: Path | None, old_url: str, dry_run: bool) -> None:
    """Import a Ghost export (Settings → Labs → Export) with its images and old addresses."""
    from techpulse.services.ghost.export import GhostError
    from techpulse.services.ghost.importer import GhostImport
    from techpulse.services.importing.command import ensure_schema, run_import

    ensure_schema()
    if old_url and not old_url.startswith(("http://", "https://")):
        raise click.BadParameter(
            "an address such as https://blog.example.com", param_hint="--old-url"
        )
    run_import(GhostImport(export, images, dry_run, old_url), export, GhostError)
