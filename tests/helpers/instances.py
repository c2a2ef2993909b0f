"""Fresh instances (their own database and upload folder) for backup and import tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy.engine import make_url

from techpulse.config import normalise_database_url
from techpulse.extensions import db
from tests.helpers.apps import (
    POSTGRES_URL,
    app_settings,
    create_postgres_database,
    drop_postgres_database,
    new_app,
)


@contextmanager
def fresh_database(tmp_path: Path, name: str, postgres: bool) -> Iterator[str]:
    """An empty database: a new SQLite file, or a new PostgreSQL database ``<test db>_<name>``."""
    if not postgres:
        yield f"sqlite:///{tmp_path / f'{name}.sqlite'}"
        return
    url = make_url(normalise_database_url(POSTGRES_URL))
    database = url.set(database=f"{url.database}_{name}").render_as_string(hide_password=False)
    create_postgres_database(database)
    try:
        yield database
    finally:
        drop_postgres_database(database)


def instance_app(tmp_path: Path, name: str, database_url: str, **config: Any) -> Flask:
    """An app with its own instance folder (uploads) on ``database_url``."""
    return new_app({**app_settings(tmp_path, name), "SQLALCHEMY_DATABASE_URI": database_url,
                    **config})  # fmt: skip


def invoke(app: Flask, *args: str) -> Any:
    """Run ``flask <args>`` against ``app`` (the CLI uses whichever app context is current)."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


def dispose(app: Flask) -> None:
    """Close the app's database connections."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
