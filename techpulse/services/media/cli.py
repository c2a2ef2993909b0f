"""``flask media backfill``: the variants of today's uploads for images stored earlier."""

from __future__ import annotations

import click
from flask.cli import AppGroup

media_group = AppGroup("media", help="Uploaded images.")


@media_group.command("backfill")
def backfill_command() -> None:
    """Write the image sizes and formats uploads get today for every image missing them."""
    # Imported here: Pillow is for staff work, never loaded by a worker serving readers.
    from techpulse.services.media.backfill import BackfillCounts, backfill, image_ids

    ids = image_ids()
    counts = BackfillCounts()
    with click.progressbar(
        backfill(ids, counts), length=len(ids), label="Images", show_pos=True, show_eta=True
    ) as progress:
        for _ in progress:
            pass
    skipped = counts.no_original
    click.echo(
        f"{counts.images} images checked: {counts.updated} given {counts.files} new files"
        + (f"; {skipped} without a stored original (skipped)" if skipped else "")
        + "."
    )
