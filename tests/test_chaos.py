"""Chaos: the production server while Redis refuses or stops answering, and while PostgreSQL is
stopped, black-holed or frozen. Pages answer within 2 s (fresh, a recent copy, or a 503 with
Retry-After; never a 500), contact messages are stored or handed back with their text,
/healthz stays instant, /readyz names what is down, and the site recovers on its own.

The services are never touched: the server talks to them through a proxy this test controls
(tests/helpers/faults.py), which forwards, refuses or black-holes on cue.
"""

from __future__ import annotations

import os
import re
import secrets
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from techpulse import create_app
from techpulse.extensions import db
from techpulse.models import ContactMessage
from tests.helpers.apps import REDIS_URL
from tests.helpers.contact import VALID, hidden_fields
from tests.helpers.factories import Factory
from tests.helpers.faults import BLACK_HOLE, FORWARD, FREEZE, REFUSE, proxy_for
from tests.helpers.instances import fresh_database
from tests.helpers.production import Server, cookies_of
from tests.helpers.servers import free_port

pytestmark = [pytest.mark.slow, pytest.mark.chaos]
SITE_HOST = "chaos.test"
STORY = "Chaos engineering for a small newsroom"


def _environment(instance: Path, **settings: str) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("TECHPULSE_")},
        "TECHPULSE_INSTANCE_PATH": str(instance),
        "TECHPULSE_SECRET_KEY": secrets.token_hex(32),
        "TECHPULSE_SITE_URL": f"https://{SITE_HOST}",
        "TECHPULSE_CONTACT_LIMIT": "1000 per minute",
        "TECHPULSE_CONTACT_MIN_SECONDS": "0",
        "TECHPULSE_DEPENDENCY_RETRY_SECONDS": "1",
        **{f"TECHPULSE_{name}": value for name, value in settings.items()},
    }


def _site(tmp_path: Path, database_url: str) -> Path:
    """A migrated site with one published story; returns its instance folder."""
    instance = tmp_path / "instance"
    instance.mkdir()
    app = create_app(
        {"INSTANCE_PATH": instance, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": database_url}
    )
    with app.app_context():
        upgrade()
        make = Factory()
        make.settings()
        make.article(STORY, body="Break things on purpose, in a test, before they break.")
        db.session.remove()
        db.engine.dispose()
    return instance


def _stored_messages(instance: Path, database_url: str) -> set[str]:
    app = create_app(
        {"INSTANCE_PATH": instance, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": database_url}
    )
    with app.app_context():
        texts = set(db.session.scalars(select(ContactMessage.message)))
        db.session.remove()
        db.engine.dispose()
    return texts


def _home_answers(server: Server, limit: float = 2.0) -> str:
    """GET /: a page (fresh or a recent copy) or a 503 with Retry-After, within ``limit``."""
    status, headers, html, seconds = server.request("GET", "/")
    assert seconds < limit, f"home took {seconds:.2f} s"
    assert status in (200, 503), f"home answered {status}"
    if status == 503:
        assert int(headers["Retry-After"]) >= 1 and "Back in a moment" in html
        return "503"
    assert STORY in html
    return headers.get("X-Cache", "")


def _contact(server: Server, acknowledged: set[str], limit: float = 3.0) -> int:
    """Send the contact form: stored (303, remembered) or given back with the text (503)."""
    status, headers, html, _ = server.request("GET", "/contact")
    assert status in (200, 503)
    text = f"Chaos check {secrets.token_hex(6)}: please call us back."
    form = {**hidden_fields(html), "website": "", **VALID, "message": text}
    status, _, html, seconds = server.request(
        "POST", "/contact", urlencode(form), cookies_of(headers)
    )
    assert seconds < limit, f"the contact form took {seconds:.2f} s"
    if status == 303:
        acknowledged.add(text)
    else:
        assert status == 503 and text in html and "We could not save your message" in html
    return status


def _ready(server: Server) -> tuple[int, dict[str, str]]:
    status, _, body, seconds = server.request("GET", "/readyz")
    assert seconds < 3, f"/readyz took {seconds:.2f} s"
    checks = dict(re.findall(r'"(\w+)":\s*"([^"]*)"', body.split('"checks"', 1)[1]))
    return status, checks


def _healthy_at_once(server: Server) -> None:
    status, _, _, seconds = server.request("GET", "/healthz")
    assert status == 200 and seconds < 2, f"/healthz: {status} in {seconds:.2f} s"


def _recovers(server: Server, dependency: str) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        status, checks = _ready(server)
        if status == 200:
            assert checks[dependency] == "ok"
            return
        time.sleep(0.3)
    raise AssertionError(f"/readyz still says {checks} after {dependency} came back")


def _cache_back_on(server: Server) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if _home_answers(server) == "hit":
            return
        time.sleep(0.2)
    raise AssertionError("the page cache did not come back on")


def _no_500_logged(log: Path) -> None:
    lines = log.read_text()
    assert '"status": 500' not in lines and "Unhandled exception" not in lines, lines[-3000:]


@pytest.mark.redis
def test_redis_refusing_then_black_holed_then_back(tmp_path: Path):
    database = f"sqlite:///{tmp_path / 'site.sqlite'}"
    instance = _site(tmp_path, database)
    acknowledged: set[str] = set()
    with proxy_for(REDIS_URL) as (redis, redis_url):
        env = _environment(instance, DATABASE_URL=database, REDIS_URL=redis_url)
        server = Server(free_port(), SITE_HOST, env, tmp_path / "server.log")
        server.start()
        try:
            assert {_home_answers(server) for _ in range(3)} >= {"hit"}
            assert _contact(server, acknowledged) == 303
            assert _ready(server) == (200, _ready(server)[1])

            for mode in (REFUSE, BLACK_HOLE):
                redis.set_mode(mode)
                for _ in range(3):
                    assert _home_answers(server) != "503"  # the database is fine: fresh pages
                _healthy_at_once(server)
                assert _contact(server, acknowledged) == 303  # limits count in memory
                status, checks = _ready(server)
                assert status == 503 and checks["redis"] == "unreachable", (mode, checks)
                assert checks["database"] == "ok"
            # Ten messages at once while Redis hangs do not tie up the server.
            with ThreadPoolExecutor(10) as pool:
                sent = [pool.submit(_contact, server, acknowledged, 5.0) for _ in range(10)]
                _healthy_at_once(server)
                assert [future.result() for future in sent] == [303] * 10

            redis.set_mode(FORWARD)
            _recovers(server, "redis")
            _cache_back_on(server)
            assert _contact(server, acknowledged) == 303
        finally:
            server.kill()
    assert acknowledged <= _stored_messages(instance, database)
    _no_500_logged(tmp_path / "server.log")


@pytest.mark.postgres
def test_postgresql_stopped_black_holed_frozen_and_back(tmp_path: Path):
    acknowledged: set[str] = set()
    with (
        fresh_database(tmp_path, "chaos", postgres=True) as database,
        proxy_for(database) as (postgres, through_proxy),
    ):
        instance = _site(tmp_path, database)
        env = _environment(instance, DATABASE_URL=through_proxy)
        server = Server(free_port(), SITE_HOST, env, tmp_path / "server.log")
        server.start()
        try:
            assert {_home_answers(server) for _ in range(3)} >= {"hit"}
            assert _contact(server, acknowledged) == 303

            for mode in (REFUSE, BLACK_HOLE):
                postgres.set_mode(mode)
                # The first request may wait the driver's connect timeout (2 s at least);
                # then the breaker answers at once until the next probe.
                _home_answers(server, limit=4.0)
                assert {_home_answers(server) for _ in range(3)} == {"stale"}
                status, _, html, _ = server.request("GET", "/search?q=chaos")
                assert status == 503 and "Back in a moment" in html
                _healthy_at_once(server)
                assert _contact(server, acknowledged, limit=4.0) == 503  # text handed back
                status, checks = _ready(server)
                assert status == 503 and checks["database"] == "unreachable", (mode, checks)

            postgres.set_mode(FORWARD)
            _recovers(server, "database")
            assert _home_answers(server) in ("miss", "hit")
            assert _contact(server, acknowledged) == 303

            # Frozen (open connections answer nothing): the watchdog cuts the pooled
            # connection after the statement limit, the new one times out, then all is quick.
            postgres.set_mode(FREEZE)
            _home_answers(server, limit=8.0)
            assert {_home_answers(server) for _ in range(3)} == {"stale"}
            assert _contact(server, acknowledged, limit=4.0) == 503
            assert _ready(server)[1]["database"] == "unreachable"

            postgres.set_mode(FORWARD)
            _recovers(server, "database")
            assert _contact(server, acknowledged) == 303
        finally:
            server.kill()
        assert acknowledged <= _stored_messages(instance, database)
    _no_500_logged(tmp_path / "server.log")
