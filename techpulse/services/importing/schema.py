"""Refuse to import into a database whose schema is behind the code, with the fix to run."""

from __future__ import annotations

from sqlalchemy import inspect

from techpulse.extensions import db
from techpulse.ops.schema import database_revision, expected_revisions

UPGRADE_FIRST = "The database is not up to date: run `flask db upgrade` first"


class SchemaBehind(RuntimeError):
    """The database lacks tables or columns the import writes; ``str(exc)`` says what to run."""


def check_schema() -> None:
    """Raise :class:`SchemaBehind` unless every table and column of the models exists.

    A database made by ``flask db upgrade`` records its revision; one made otherwise (tests
    build the schema from the models) is checked table by table.
    """
    recorded = database_revision()
    if recorded and recorded != expected_revisions():
        found = ", ".join(sorted(recorded))
        raise SchemaBehind(f"{UPGRADE_FIRST} (it is at revision {found}).")
    inspector = inspect(db.session.connection())
    existing = set(inspector.get_table_names())
    missing = [table.name for table in db.metadata.sorted_tables if table.name not in existing]
    if missing:
        raise SchemaBehind(f"{UPGRADE_FIRST} (missing tables: {', '.join(missing[:5])}).")
    for table in db.metadata.sorted_tables:
        have = {column["name"] for column in inspector.get_columns(table.name)}
        lacking = [column.name for column in table.columns if column.name not in have]
        if lacking:
            raise SchemaBehind(f"{UPGRADE_FIRST} ({table.name} lacks {', '.join(lacking[:5])}).")
