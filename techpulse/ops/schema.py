"""Which Alembic revision the code expects and which one the database is at."""

from __future__ import annotations

from functools import cache

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from techpulse.extensions import db


@cache
def expected_revisions() -> frozenset[str]:
    """The head revision(s) of the migrations shipped with this code."""
    from techpulse import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def database_revision() -> frozenset[str]:
    """The revision(s) recorded in the database's ``alembic_version`` table (empty if none)."""
    if not inspect(db.session.connection()).has_table("alembic_version"):
        return frozenset()
    rows = db.session.execute(text("SELECT version_num FROM alembic_version")).scalars()
    return frozenset(rows)
