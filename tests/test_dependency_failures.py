"""Dependencies that fail softly: Redis refusing or black-holed, the database gone. Pages still
answer (fresh, a recent copy, or a 503 with Retry-After), contact text is stored or given back,
/healthz stays out of it, /readyz names what is down, and recovery needs nobody."""

from __future__ import annotations

import socket
import sys
import time
import types
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import current_app
from flask_migrate import stamp
from sqlalchemy import create_engine, event, func, select, text

from techpulse import database
from techpulse.extensions import db, limiter
from techpulse.models import ContactMessage
from techpulse.ops.breaker import Breaker
from techpulse.ops.watchdog import Watchdog
from tests.helpers.apps import REDIS_URL
from tests.helpers.contact import VALID, contact_form
from tests.helpers.faults import black_hole, closed_port

STORY_TEXT = "Chips get faster every year."


@pytest.fixture
def redis_refusing(app_config) -> Iterator[None]:
    app_config["REDIS_URL"] = f"redis://127.0.0.1:{closed_port()}/0"
    app_config["DEPENDENCY_RETRY_SECONDS"] = 30
    yield
    _limiter_forgets_the_outage()


@pytest.fixture
def redis_black_hole(app_config) -> Iterator[None]:
    with black_hole() as port:
        app_config["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"
        app_config["DEPENDENCY_RETRY_SECONDS"] = 30
        yield
    _limiter_forgets_the_outage()


def _limiter_forgets_the_outage() -> None:
    # The limiter is one object for every app in this process (one app per process in
    # production): later tests' apps must not start out counting in memory.
    limiter._storage_dead = False


@pytest.fixture
def story(app, make):
    make.settings()
    for name in app.jinja_env.list_templates(filter_func=_public_template):
        app.jinja_env.get_template(name)  # compiled now: the timings measure the outage only
    return make.article("Chips get faster", body=STORY_TEXT)


def _public_template(name: str) -> bool:
    return name.endswith(".html") and not name.startswith(("admin/", "auth/"))


@pytest.fixture
def migrated(app):
    """/readyz wants the schema recorded as migrated."""
    db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
    db.session.commit()
    stamp()
    yield
    db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
    db.session.commit()


def _stored() -> int:
    return db.session.scalar(select(func.count()).select_from(ContactMessage)) or 0


def _timed(client, method: str, url: str, **kwargs):
    start = time.monotonic()
    response = client.open(url, method=method, **kwargs)
    return response, time.monotonic() - start


@contextmanager
def database_down() -> Iterator[None]:
    """Every new database connection fails (as with the server stopped) until the block ends."""
    engine = db.engine

    def refuse(*_args):
        raise engine.dialect.loaded_dbapi.OperationalError("simulated outage")

    db.session.remove()
    engine.dispose()
    others = list(engine.dialect.dispatch.do_connect)  # the breaker's: refuse comes first
    for listener in others:
        event.remove(engine, "do_connect", listener)
    event.listen(engine, "do_connect", refuse)
    try:
        yield
    finally:
        event.remove(engine, "do_connect", refuse)
        for listener in others:
            event.listen(engine, "do_connect", listener)
        db.session.remove()
        engine.dispose()
        breaker = current_app.extensions.get("techpulse.database_breaker")
        if breaker is not None:
            breaker.succeeded()  # as after its next successful probe


def _assert_contact_works_and_readyz_names_redis(client) -> None:
    response, seconds = _timed(client, "POST", "/contact", data=contact_form(client))
    assert response.status_code == 303 and seconds < 3
    assert _stored() == 1
    ready, seconds = _timed(client, "GET", "/readyz")
    assert ready.status_code == 503 and seconds < 3
    assert ready.get_json()["checks"]["redis"] == "unreachable"
    assert ready.get_json()["checks"]["database"] == "ok"
    health, seconds = _timed(client, "GET", "/healthz")
    assert health.status_code == 200 and seconds < 1, seconds


def test_with_redis_refusing_the_site_answers_and_stores_messages(
    redis_refusing, client, story, migrated
):
    for _ in range(2):
        home, seconds = _timed(client, "GET", "/")
        assert home.status_code == 200 and STORY_TEXT in home.get_data(as_text=True)
        assert seconds < 2
    _assert_contact_works_and_readyz_names_redis(client)


def test_with_redis_black_holed_nothing_waits_long(redis_black_hole, client, story, migrated):
    times = []
    for _ in range(3):
        home, seconds = _timed(client, "GET", "/")
        assert home.status_code == 200 and STORY_TEXT in home.get_data(as_text=True)
        times.append(seconds)
    assert max(times) < 2 and min(times) < 0.5  # one wait for the timeout, then none
    _assert_contact_works_and_readyz_names_redis(client)


def test_a_recent_copy_stands_in_while_the_database_is_gone(app, client, story, migrated, now):
    url = f"/articles/{story.slug}"
    assert client.get(url).headers["X-Cache"] == "miss"
    assert client.get(url).headers["X-Cache"] == "hit"
    cache = app.extensions["techpulse.page_cache"]
    cache.generation.bump()  # a write on another host: the copy is no longer current
    with database_down():
        copy, seconds = _timed(client, "GET", url)
        assert copy.status_code == 200 and copy.headers["X-Cache"] == "stale"
        assert STORY_TEXT in copy.get_data(as_text=True) and seconds < 2
        # A page never cached: a small 503 page that names no error, with Retry-After.
        other = client.get("/search?q=chips")
        assert other.status_code == 503 and int(other.headers["Retry-After"]) >= 1
        page = other.get_data(as_text=True)
        assert "Back in a moment" in page and "Traceback" not in page
        ready = client.get("/readyz")
        assert ready.status_code == 503 and ready.get_json()["checks"]["database"] == "unreachable"
        assert client.get("/healthz").status_code == 200
        # Too old to stand in: 503 rather than a page from long ago.
        now.advance(seconds=app.config["PAGE_CACHE_STALE_IF_ERROR"] + 1)
        assert client.get(url).status_code == 503
    back = client.get(url)  # the database is back: fresh pages, no one had to act
    assert back.status_code == 200 and back.headers["X-Cache"] in ("miss", "hit")
    assert client.get("/readyz").status_code == 200


def test_a_contact_message_is_given_back_when_the_database_is_gone(app, client):
    form = contact_form(client, message="Please call me back about the new shop.")
    with database_down():
        blank = client.get("/contact")  # the form still opens
        assert blank.status_code == 200 and "We could not save" not in blank.get_data(True)
        response = client.post("/contact", data=form)
    assert response.status_code == 503 and int(response.headers["Retry-After"]) >= 1
    page = response.get_data(as_text=True)
    assert "We could not save your message" in page
    assert "Please call me back about the new shop." in page and 'value="Asha Mehta"' in page
    assert client.post("/contact", data=form).status_code == 303  # sent again: stored
    assert _stored() == 1


def _postgresql_closes_the_pooled_connections() -> None:
    """End every other session on this database, as a PostgreSQL restart does."""
    db.session.remove()  # the test's own connection goes back to the pool, to be closed too
    admin = create_engine(db.engine.url)
    with admin.connect() as connection:
        closed = connection.scalar(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
    admin.dispose()
    assert closed >= 1


@pytest.fixture
def shared_redis(app_config) -> None:
    app_config["REDIS_URL"] = REDIS_URL  # the generation lives there, as in production


@pytest.mark.postgres
@pytest.mark.redis
def test_a_public_page_survives_postgresql_closing_busy_connections(
    shared_redis, app, client, story
):
    url = f"/articles/{story.slug}"
    assert client.get(url).status_code == 200
    app.extensions["techpulse.page_cache"].generation.bump()  # no copy to stand in
    _postgresql_closes_the_pooled_connections()
    page = client.get(url)  # its first statement fails; it runs again on a new connection
    assert page.status_code == 200 and STORY_TEXT in page.get_data(as_text=True)
    assert page.headers["X-Cache"] == "miss"


@pytest.mark.postgres
def test_a_form_sent_right_after_postgresql_closed_busy_connections_is_stored(app, client):
    form = contact_form(client, message="Please call me back after the restart.")
    _postgresql_closes_the_pooled_connections()
    response = client.post("/contact", data=form)  # pinged first: a new connection
    assert response.status_code == 303
    assert _stored() == 1


@pytest.mark.postgres
def test_a_form_sent_after_postgresql_closed_idle_connections_is_stored(app, client, monkeypatch):
    form = contact_form(client, message="Please call me back after the restart.")
    _postgresql_closes_the_pooled_connections()
    monkeypatch.setattr(database, "IDLE_PING_SECONDS", 0.0)  # as after a quiet spell
    response = client.post("/contact", data=form)  # a write is never run twice
    assert response.status_code == 303
    assert _stored() == 1


def test_the_breaker_stops_asking_then_lets_one_caller_retry():
    breaker = Breaker("a service", retry_seconds=0.2)
    assert breaker.allow()
    breaker.failed("refused")
    assert breaker.failing and not breaker.allow()
    time.sleep(0.25)
    assert breaker.allow() and not breaker.allow()  # one probe per pause
    breaker.succeeded()
    assert not breaker.failing and breaker.allow()


def test_the_watchdog_cuts_a_call_that_never_returns():
    server, client = socket.socketpair()
    connection = types.SimpleNamespace(pgconn=types.SimpleNamespace(socket=client.fileno()))
    watchdog = Watchdog(limit=0.5)
    start = time.monotonic()
    with server, client, watchdog.watching(connection):
        assert client.recv(10) == b""  # the peer never answers; the watchdog shuts the socket
    assert 0.4 < time.monotonic() - start < 2


def test_timeouts_reach_the_redis_and_postgresql_clients(app_config, monkeypatch):
    from techpulse import create_app

    redis = create_app({**app_config, "REDIS_URL": "redis://127.0.0.1:1/0", "REDIS_TIMEOUT": 0.5})
    assert redis.config["RATELIMIT_STORAGE_OPTIONS"] == {
        "socket_timeout": 0.5,
        "socket_connect_timeout": 0.5,
    }
    assert redis.config["RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"] is True
    postgres = create_app(
        {**app_config, "SQLALCHEMY_DATABASE_URI": "postgresql://u@127.0.0.1:1/x",
         "DATABASE_CONNECT_TIMEOUT": 3}
    )  # fmt: skip
    connect_args = postgres.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]
    assert connect_args["connect_timeout"] == 3
    assert "options" not in connect_args  # the command line (migrations, imports): no limit
    # In a server's worker process each statement of a web request is limited too.
    monkeypatch.setitem(sys.modules, "granian", types.ModuleType("granian"))

    def worker_connect_args(url: str) -> dict:
        worker = create_app(
            {**app_config, "SQLALCHEMY_DATABASE_URI": url, "DATABASE_STATEMENT_TIMEOUT": 1.5,
             "SECRET_KEY": "k" * 40, "SITE_URL": "https://x.test"}
        )  # fmt: skip
        return worker.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]

    connect_args = worker_connect_args("postgresql://u@127.0.0.1:1/x")
    assert connect_args["options"] == (
        "-c statement_timeout=1500 -c max_parallel_workers_per_gather=0"
    )
    assert connect_args["tcp_user_timeout"] == 4500
    # Options the URL gives (a schema's search_path, as make bench's sites) are kept.
    connect_args = worker_connect_args("postgresql://u@127.0.0.1:1/x?options=-csearch_path%3Dsite")
    assert connect_args["options"] == (
        "-csearch_path=site -c statement_timeout=1500 -c max_parallel_workers_per_gather=0"
    )
    assert VALID  # the shared contact form helper is what the other tests post
