"""``flask stats upkeep`` and ``flask stats ingest``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from techpulse.services.stats.ingest import ingest
from techpulse.services.stats.recorder import flush_all
from techpulse.services.stats.setup import run_upkeep, sink_of

stats_group = AppGroup("stats", help="Readership statistics.")


@stats_group.command("upkeep")
def upkeep_command() -> None:
    """Roll visitor hashes and old days up; delete what is past STATS_RETENTION_DAYS."""
    flush_all()
    report = run_upkeep(current_app)
    click.echo(
        f"Days drained from Redis: {report.drained_days}, days rolled up: {report.rolled_days}, "
        f"monthly rows: {report.monthly_rows}, rows deleted: {report.deleted_rows}."
    )


@stats_group.command("ingest")
@click.option("--log", "log_path", default="", help="The nginx stats log (STATS_NGINX_LOG).")
@click.option("--truncate", is_flag=True, help="Empty the log once read (no address kept).")
def ingest_command(log_path: str, truncate: bool) -> None:
    """Count the pages nginx's micro-cache answered since the last run."""
    path = Path(log_path or current_app.config["STATS_NGINX_LOG"] or "")
    if not str(path) or not path.is_file():
        raise click.ClickException("No nginx stats log: give --log or set STATS_NGINX_LOG.")
    state = Path(current_app.instance_path) / "stats-ingest.json"
    report = ingest(current_app, path, state, sink_of(current_app), truncate=truncate)
    click.echo(f"Lines read: {report.lines}, counted: {report.counted}.")
