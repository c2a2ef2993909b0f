"""``flask contact …``: commands for the contact form."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from techpulse.services.contact import notifications

contact = AppGroup("contact", help="Contact form messages.")


@contact.command("retry-notifications")
def retry_notifications_command() -> None:
    """E-mail staff about messages whose notification is pending or failed (run from cron)."""
    counts = notifications.retry_notifications()
    click.echo(
        f"Notifications sent: {counts['sent']}, failed: {counts['failed']}, "
        f"skipped: {counts['skipped']}."
    )
    if counts["failed"]:
        raise SystemExit(1)
