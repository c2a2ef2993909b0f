"""/healthz and /readyz: JSON a load balancer can read, never cached, no secrets."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask_migrate import stamp
from sqlalchemy import text

from techpulse import create_app
from techpulse.extensions import db


@pytest.fixture(autouse=True)
def unversioned(app):
    """Start and end with no alembic_version table (PostgreSQL keeps it between tests)."""
    db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
    db.session.commit()
    yield
    db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
    db.session.commit()


def test_healthz_answers_ok_and_is_never_cached(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_is_ready_when_database_migrations_and_uploads_are(app, client):
    stamp()  # the test schema comes from the models; record it as migrated
    response = client.get("/readyz")
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {
        "status": "ready",
        "checks": {"database": "ok", "migrations": "ok", "uploads": "ok"},
    }
    assert response.headers["Cache-Control"] == "no-store"
    assert app.config["SECRET_KEY"] not in response.get_data(as_text=True)


def test_readyz_reports_a_database_that_is_not_migrated(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "not ready"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["migrations"].startswith("database at no revision, code expects ")
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_reports_uploads_that_cannot_be_written(app, client, tmp_path):
    stamp()
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    app.config["UPLOAD_FOLDER"] = str(blocker / "uploads")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"] == {
        "database": "ok",
        "migrations": "ok",
        "uploads": "not writable",
    }
    assert str(blocker) not in response.get_data(as_text=True)


def test_readyz_reports_an_unreachable_database_without_its_address(tmp_path: Path):
    missing = tmp_path / "no-such-folder.sqlite"
    missing.mkdir()  # a folder where the database file should be: SQLite cannot open it
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "INSTANCE_PATH": tmp_path / "instance",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{missing}",
        }
    )
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["database"] == "unreachable"
    assert "no-such-folder" not in response.get_data(as_text=True)
    assert app.test_client().get("/healthz").status_code == 200
