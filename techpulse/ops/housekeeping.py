"""``flask trash purge`` and ``flask mail retry``: what the site also does by itself, on demand.

Neither needs cron: the staff dashboard purges the trash, and each e-mail is sent when it is
queued. Run them after an outage, or from cron if you like.
"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from techpulse.services import outbox, trash

trash_group = AppGroup("trash", help="Deleted stories, pages and images.")
mail_group = AppGroup("mail", help="E-mail to staff.")


@trash_group.command("purge")
def purge_command() -> None:
    """Delete for good what has been in the trash longer than TRASH_DAYS."""
    gone = trash.purge_expired(limit=10_000)
    click.echo(f"Deleted for good: {gone}.")


@mail_group.command("retry")
def retry_command() -> None:
    """Send every staff e-mail that is still pending or failed."""
    counts = outbox.retry_mail()
    click.echo(
        f"E-mails sent: {counts['sent']}, failed: {counts['failed']}, skipped: {counts['skipped']}."
    )
    if counts["failed"]:
        raise SystemExit(1)
