"""Fixtures: an app on a fresh database (SQLite, or PostgreSQL from TEST_DATABASE_URL),
its client and CLI runner, small factories and a movable clock."""

from __future__ import annotations

import contextvars
import io
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, has_app_context
from flask.testing import FlaskClient, FlaskCliRunner
from PIL import Image as PILImage
from sqlalchemy import event, text

from techpulse import clock, create_app
from techpulse.extensions import db
from techpulse.models import Article, Category, Image, Page, Role, SiteSettings, Status, User
from techpulse.services.editorial.article_editor import create_article
from techpulse.services.media.library import create_image
from techpulse.services.pages import PageFields, create_page
from techpulse.slugs import slugify

# The suite must not depend on the developer's own TECHPULSE_* settings.
for _name in [name for name in os.environ if name.startswith("TECHPULSE_")]:
    del os.environ[_name]

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip tests marked postgres/redis cleanly when their service is not configured."""
    skips = {
        "postgres": (POSTGRES_URL, "TEST_DATABASE_URL is not set"),
        "redis": (REDIS_URL, "TEST_REDIS_URL is not set"),
    }
    for item in items:
        for marker, (configured, reason) in skips.items():
            if marker in item.keywords and not configured:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def _postgres_schema() -> Iterator[None]:
    """With PostgreSQL, build the schema once per session; tests then truncate."""
    if not POSTGRES_URL:
        yield
        return
    app = create_app({"SQLALCHEMY_DATABASE_URI": POSTGRES_URL, "SECRET_KEY": "x"})
    with app.app_context():
        db.drop_all()
        db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
        db.create_all()
        db.session.remove()
        db.engine.dispose()
    yield


def _truncate_all() -> None:
    tables = ", ".join(table.name for table in db.metadata.sorted_tables)
    db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    db.session.commit()


@pytest.fixture
def app_config(tmp_path: Path) -> dict[str, Any]:
    """Configuration of the app under test; tests may change it before using ``app``."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "INSTANCE_PATH": tmp_path / "instance",
        "SQLALCHEMY_DATABASE_URI": POSTGRES_URL or f"sqlite:///{tmp_path / 'test.sqlite'}",
        "SITE_URL": "",
    }


class IsolatedClient(FlaskClient):
    """A test client whose requests run in their own app context, as in production.

    The fixtures keep an app context pushed for factories and queries; without this, every
    request would share it (its ``g``, its database session) and hide bugs. After each
    request the test's own session starts a new transaction, so it sees what was committed.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():  # not inside the empty context (redirects being followed)
            db.session.rollback()
        return response


@pytest.fixture
def app(app_config: dict[str, Any], _postgres_schema: None) -> Iterator[Flask]:
    """The application on a fresh, empty database."""
    application = create_app(app_config)
    application.test_client_class = IsolatedClient
    with application.app_context():
        if POSTGRES_URL:
            _truncate_all()
        else:
            db.create_all()
        yield application
        db.session.remove()
        if POSTGRES_URL:
            _truncate_all()
        db.engine.dispose()


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


@dataclass
class MovableClock:
    at: datetime

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> datetime:
        self.at += timedelta(**delta)
        return self.at


class QueryCounter:
    """Counts SQL statements sent while it is active."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app: Flask) -> Iterator[QueryCounter]:
    """Count the SQL statements the app sends."""
    counter = QueryCounter()
    event.listen(db.engine, "before_cursor_execute", counter)
    yield counter
    event.remove(db.engine, "before_cursor_execute", counter)


def image_bytes(width: int = 1800, height: int = 1000, fmt: str = "JPEG") -> bytes:
    """A small, fast-to-encode test picture."""
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), (30, 90, 200)).save(buffer, fmt)
    return buffer.getvalue()


class Factory:
    """Builds committed rows with sensible defaults; every name is unique."""

    def __init__(self) -> None:
        self._n = count(1)

    def settings(self, **fields: Any) -> SiteSettings:
        settings = db.session.get(SiteSettings, 1) or SiteSettings(id=1)
        defaults = {
            "site_name": "TechPulse",
            "company_name": "CodeDote Technologies",
            "about_blurb": "A team of young IT professionals in Vadodara, India.",
            "city": "Vadodara",
            "country": "India",
        }
        for key, value in {**defaults, **fields}.items():
            setattr(settings, key, value)
        db.session.add(settings)
        db.session.commit()
        return settings

    def category(self, name: str | None = None) -> Category:
        name = name or f"Category {next(self._n)}"
        category = Category(name=name, slug=slugify(name))
        db.session.add(category)
        db.session.commit()
        return category

    def user(self, name: str | None = None, role: Role = Role.AUTHOR, **fields: Any) -> User:
        n = next(self._n)
        name = name or f"Writer {n}"
        user = User(name=name, slug=slugify(name), email=f"user{n}@example.com", role=role.value)
        for key, value in fields.items():
            setattr(user, key, value)
        db.session.add(user)
        db.session.commit()
        return user

    def staff(self, role: Role = Role.EDITOR, name: str | None = None) -> User:
        """A staff account that can log in with ``PASSWORD``."""
        from techpulse.services.access.accounts import create_user

        n = next(self._n)
        return create_user(f"staff{n}@example.com", name or f"Staff {n}", role, PASSWORD)

    def page(self, slug: str, title: str, body: str, seo_description: str = "") -> Page:
        """A static page, created the way staff create one."""
        return create_page(
            PageFields(title=title, slug=slug, body_md=body, seo_description=seo_description)
        )

    def image(self, alt: str = "A blue test picture", width: int = 1800) -> Image:
        image = create_image(image_bytes(width, width * 9 // 16), alt)
        db.session.commit()
        return image

    def article(
        self,
        title: str | None = None,
        *,
        status: Status = Status.PUBLISHED,
        published_at: datetime | None = None,
        hours_ago: float | None = None,
        category: Category | None = None,
        author: User | None = None,
        tags: tuple[str, ...] = (),
        banner: Image | bool | None = None,
        body: str = "Some **body** text for the story.",
        featured: bool = False,
    ) -> Article:
        n = next(self._n)
        if published_at is None and status != Status.DRAFT:
            published_at = clock.utcnow() - timedelta(hours=n if hours_ago is None else hours_ago)
        if banner is True:
            banner = self.image()
        article = create_article(
            title=title or f"Story number {n}",
            body_md=body,
            category=category or self.category(),
            author=author or self.user(),
            tags=tags,
            banner=banner or None,
            status=status,
            published_at=published_at,
            featured=featured,
        )
        db.session.commit()
        return article


@pytest.fixture
def make(app: Flask) -> Factory:
    """Factories for categories, users, images and articles."""
    return Factory()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright; browser tests skip where it is missing."""
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (make test installs it as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The app served over real HTTP on a free loopback port; yields its base URL."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()


@pytest.fixture
def page(browser: Any, live_server: str) -> Iterator[Any]:
    """A fresh browser tab that refuses every request not to the live server."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    outside: list[str] = []

    def guard(route: Any) -> None:
        if route.request.url.startswith(live_server):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    tab.outside_requests = outside
    yield tab
    context.close()


PASSWORD = "correct horse battery staple"
_CSRF = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def csrf_from(html: str | bytes) -> str:
    """The CSRF token in a page's form."""
    source = html.decode() if isinstance(html, bytes) else html
    match = _CSRF.search(source)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


class Staff:
    """Logs the test client in as staff and posts forms with a valid CSRF token."""

    def __init__(self, client: FlaskClient, factory: Factory) -> None:
        self.client = client
        self.factory = factory

    def login(self, role: Role | User = Role.EDITOR, remember: bool = False) -> User:
        """Create a user of ``role`` (or use the given one) and log the client in."""
        user = role if isinstance(role, User) else self.factory.staff(role)
        token = csrf_from(self.client.get("/login").data)
        response = self.client.post(
            "/login",
            data={"csrf_token": token, "email": user.email, "password": PASSWORD,
                  "remember": "y" if remember else ""},
        )  # fmt: skip
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return user

    def token(self) -> str:
        """A CSRF token for the logged-in client (from the admin page's logout form)."""
        return csrf_from(self.client.get("/admin/").data)

    def post(self, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        """POST a form with a valid CSRF token."""
        return self.client.post(url, data={"csrf_token": self.token(), **(data or {})}, **kwargs)


@pytest.fixture
def staff(client: FlaskClient, make: Factory) -> Staff:
    """Log in as staff of a given role and post forms: ``staff.login(Role.ADMIN)``."""
    return Staff(client, make)
