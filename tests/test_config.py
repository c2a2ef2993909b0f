"""Configuration layers, the generated secret key, and SQLite's connection settings."""

from __future__ import annotations

import os
import stat

import pytest
from sqlalchemy import text

from techpulse import create_app
from techpulse.config import normalise_database_url
from techpulse.extensions import db


def test_secret_key_is_generated_once_privately_and_reused(tmp_path):
    instance = tmp_path / "instance"
    first = create_app({"INSTANCE_PATH": instance})
    second = create_app({"INSTANCE_PATH": instance})
    key_file = instance / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first.config["SECRET_KEY"]) >= 64
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert (
        first.config["SECRET_KEY"]
        != create_app({"INSTANCE_PATH": tmp_path / "other"}).config["SECRET_KEY"]
    )


def test_layers_defaults_instance_file_then_environment(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text('TIMEZONE = "Europe/London"\nPER_PAGE = 5\n')
    app = create_app({"INSTANCE_PATH": instance})
    assert app.config["TIMEZONE"] == "Europe/London"
    assert app.config["PER_PAGE"] == 5
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'techpulse.sqlite'}"
    monkeypatch.setenv("TECHPULSE_PER_PAGE", "7")
    monkeypatch.setenv("TECHPULSE_SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("TECHPULSE_DATABASE_URL", "postgres://user@db.internal/techpulse")
    app = create_app({"INSTANCE_PATH": instance})
    assert app.config["PER_PAGE"] == 7
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == (
        "postgresql+psycopg://user@db.internal/techpulse"
    )
    assert not (tmp_path / "fresh").exists()
    create_app({"INSTANCE_PATH": tmp_path / "fresh"})
    assert (tmp_path / "fresh" / "secret_key").exists() is False


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgresql://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
        ("sqlite:////tmp/x.sqlite", "sqlite:////tmp/x.sqlite"),
    ],
)
def test_database_urls_use_psycopg_3(given, expected):
    assert normalise_database_url(given) == expected


def test_sqlite_connections_are_durable_and_concurrent(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite settings")
    with db.engine.connect() as connection:

        def pragma(name: str) -> object:
            return connection.execute(text(f"PRAGMA {name}")).scalar()

        assert pragma("journal_mode") == "wal"
        assert pragma("synchronous") == 2  # FULL
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") >= 5000


def test_app_module_builds_the_app(tmp_path, monkeypatch):
    monkeypatch.setenv("TECHPULSE_INSTANCE_PATH", str(tmp_path / "instance"))
    import importlib

    import app as entry

    module = importlib.reload(entry)
    assert module.app.name == "techpulse"
    assert os.path.samefile(module.app.instance_path, tmp_path / "instance")
