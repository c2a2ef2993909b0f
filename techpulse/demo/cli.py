"""``flask seed-demo``: fill an empty site with demo content."""

from __future__ import annotations

import click


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the site has any article.")
def seed_demo_command(if_empty: bool) -> None:
    """Fill the site with demo content (creates only what is missing)."""
    # Imported here: the banner drawing is only needed when seeding.
    from techpulse.demo.seed import has_articles, seed_demo

    if if_empty and has_articles():
        click.echo("The site already has articles; demo content not added.")
        return
    created = seed_demo()
    if created:
        click.echo("Created: " + ", ".join(created))
    else:
        click.echo("Demo content already present; nothing to do.")
