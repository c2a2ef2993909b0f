"""Fixtures: an app on a fresh database (SQLite, or PostgreSQL from TEST_DATABASE_URL),
its client and CLI runner, small factories, a movable clock, a browser and live servers.

What they are built from lives in tests/helpers/."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import event

from techpulse import clock
from techpulse.extensions import db
from tests.helpers.accounts import Staff
from tests.helpers.apps import (
    CREATED_APPS,
    POSTGRES_URL,
    REDIS_URL,
    WORKER,
    app_settings,
    build_schema,
    close_connections_of_apps_since,
    create_postgres_database,
    drop_postgres_database,
    new_app,
    prepare_database,
    truncate_all,
)
from tests.helpers.browser import CHROMIUM, CHROMIUM_ARGS, STEP_TIMEOUT_MS, site_tab
from tests.helpers.factories import Factory, MovableClock, QueryCounter
from tests.helpers.once import install as do_picture_work_once
from tests.helpers.servers import SMTPServer, serving, smtp_server

do_picture_work_once()

# The suite must not depend on the developer's own TECHPULSE_* settings.
for _name in [name for name in os.environ if name.startswith("TECHPULSE_")]:
    del os.environ[_name]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip tests marked postgres/redis cleanly when their service is not configured; run the
    slow and browser ones first."""
    skips = {
        "postgres": (POSTGRES_URL, "TEST_DATABASE_URL is not set"),
        "redis": (REDIS_URL, "TEST_REDIS_URL is not set"),
    }
    for item in items:
        for marker, (configured, reason) in skips.items():
            if marker in item.keywords and not configured:
                item.add_marker(pytest.mark.skip(reason=reason))
    # Longest first (the slow tests, then the browser modules), so that no worker is left
    # finishing a long module alone at the end; stable: the same order in every worker.
    items.sort(key=lambda item: ("slow" not in item.keywords, "browser" not in item.keywords))


@pytest.fixture(scope="session")
def _database_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Build the schema once per session (per worker): a SQLite file that each test copies,
    or this worker's own PostgreSQL database, which tests then truncate."""
    if not POSTGRES_URL:
        yield
        return
    folder = tmp_path_factory.mktemp("schema")
    if WORKER:
        create_postgres_database(POSTGRES_URL)
    else:  # the database TEST_DATABASE_URL names: clear it
        from sqlalchemy import text

        app = new_app({**app_settings(folder), "SQLALCHEMY_DATABASE_URI": POSTGRES_URL})
        with app.app_context():
            db.drop_all()
            db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
            db.session.commit()
            db.session.remove()
            db.engine.dispose()
    build_schema(POSTGRES_URL, folder)
    yield
    if WORKER:
        drop_postgres_database(POSTGRES_URL)


@pytest.fixture
def app_config(tmp_path: Path) -> dict[str, Any]:
    """Configuration of the app under test; tests may change it before using ``app``."""
    return app_settings(tmp_path)


@pytest.fixture
def app(app_config: dict[str, Any], _database_schema: None) -> Iterator[Flask]:
    """The application on a fresh, empty database."""
    copied = prepare_database(app_config["SQLALCHEMY_DATABASE_URI"])
    application = new_app(app_config)
    with application.app_context():
        if POSTGRES_URL:
            truncate_all()
        elif not copied:
            db.create_all()
        yield application
        db.session.remove()
        if POSTGRES_URL:
            truncate_all()
        db.engine.dispose()


@pytest.fixture
def with_avif(app_config: dict[str, Any]) -> None:
    """Uploads get AVIF variants too, as in production (the tests' apps skip them)."""
    app_config["IMAGE_AVIF"] = True


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A browser-like client for the app."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """Runs ``flask`` commands against the app."""
    return app.test_cli_runner()


@pytest.fixture
def now(monkeypatch: pytest.MonkeyPatch) -> Iterator[MovableClock]:
    """Freeze the site's clock; ``now.advance(hours=2)`` moves it."""
    movable = MovableClock(clock.utcnow().replace(microsecond=0))
    monkeypatch.setattr(clock, "source", movable)
    yield movable


@pytest.fixture
def count_queries(app: Flask) -> Iterator[QueryCounter]:
    """Count the SQL statements the app sends."""
    counter = QueryCounter()
    event.listen(db.engine, "before_cursor_execute", counter)
    yield counter
    event.remove(db.engine, "before_cursor_execute", counter)


@pytest.fixture
def make(app: Flask) -> Factory:
    """Factories for categories, users, images and articles."""
    return Factory()


@pytest.fixture
def staff(client: FlaskClient, make: Factory) -> Staff:
    """Log in as staff of a given role and post forms: ``staff.login(Role.ADMIN)``."""
    return Staff(client, make)


@pytest.fixture
def smtp() -> Iterator[SMTPServer]:
    """A real SMTP server on a free loopback port; ``smtp.received`` is what it got."""
    with smtp_server() as server:
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright; browser tests skip where it is missing."""
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (make test installs it as root)")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=STEP_TIMEOUT_MS)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The app served over real HTTP on a free loopback port; yields its base URL."""
    with serving(app) as url:
        yield url


@pytest.fixture
def page(browser: Any, live_server: str) -> Iterator[Any]:
    """A fresh browser tab that refuses every request not to the live server."""
    tab = site_tab(browser, live_server)
    yield tab
    tab.context.close()


@pytest.fixture(autouse=True)
def _close_connections_of_the_tests_own_apps() -> Iterator[None]:
    """Apps a test makes for itself (instance_app, new_app) leave no connection open."""
    before = len(CREATED_APPS)
    yield
    close_connections_of_apps_since(before)
