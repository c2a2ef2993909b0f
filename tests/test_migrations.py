"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from techpulse import create_app
from techpulse.extensions import db
from techpulse.models.search import include_in_schema_comparison
from tests.helpers.apps import POSTGRES_URL, scratch_postgres_schema


def _assert_migrations_match_models(app) -> None:
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            opts = {"compare_type": True, "include_name": include_in_schema_comparison}
            context = MigrationContext.configure(connection, opts=opts)
            differences = compare_metadata(context, db.metadata)
        assert differences == []
        tables = set(inspect(db.engine).get_table_names())
        assert {"articles", "categories", "tags", "users", "images", "pages"} <= tables
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}


def test_sqlite_migrations_match_models(tmp_path):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'migrated.sqlite'}",
            "INSTANCE_PATH": tmp_path / "instance",
            "SECRET_KEY": "x",
        }
    )
    _assert_migrations_match_models(app)


@pytest.mark.postgres
def test_postgresql_migrations_match_models(tmp_path):
    with scratch_postgres_schema("migration_check") as options:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": POSTGRES_URL,
                "SQLALCHEMY_ENGINE_OPTIONS": options,
                "INSTANCE_PATH": tmp_path / "instance",
                "SECRET_KEY": "x",
            }
        )
        _assert_migrations_match_models(app)
        with app.app_context():
            db.engine.dispose()
