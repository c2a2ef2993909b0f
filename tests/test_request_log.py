"""One structured log line per request: JSON in production, text in development."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from techpulse.models import Role
from techpulse.ops.request_log import LOGGER_NAME, log_format


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def log_lines() -> Iterator[list[str]]:
    """The request log's lines, as written."""
    logger = logging.getLogger(LOGGER_NAME)
    handler = _Lines()
    logger.addHandler(handler)
    yield handler.lines
    logger.removeHandler(handler)


def test_production_writes_one_json_line_per_request(app, client, make, log_lines):
    app.config["LOG_FORMAT"] = "json"
    make.settings()
    article = make.article("Logged story")
    response = client.get(f"/articles/{article.slug}?utm=secret-campaign")
    assert response.status_code == 200
    assert len(log_lines) == 1
    line = json.loads(log_lines[0])
    assert line["method"] == "GET"
    assert line["path"] == f"/articles/{article.slug}"
    assert line["route"] == "/articles/<slug:slug>"
    assert line["endpoint"] == "blog.article"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["user_id"] is None
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert "secret-campaign" not in log_lines[0]


def test_staff_requests_carry_the_user_id(app, client, staff, log_lines):
    app.config["LOG_FORMAT"] = "json"
    user = staff.login(Role.EDITOR)
    log_lines.clear()
    assert client.get("/admin/").status_code == 200
    line = json.loads(log_lines[-1])
    assert (line["endpoint"], line["status"], line["user_id"]) == ("admin.dashboard", 200, user.id)


def test_errors_are_logged_with_their_status(app, client, log_lines):
    app.config["LOG_FORMAT"] = "json"
    client.get("/no-such-page")
    line = json.loads(log_lines[-1])
    assert (line["status"], line["route"], line["path"]) == (404, None, "/no-such-page")


def test_development_writes_readable_text(client, log_lines):
    response = client.get("/healthz")
    assert len(log_lines) == 1
    assert log_lines[0].startswith("GET /healthz 200 ")
    assert f"id={response.headers['X-Request-ID']}" in log_lines[0]


@pytest.mark.parametrize(
    ("config", "server", "expected"),
    [
        ({}, "gunicorn/23.0.0", "json"),
        ({}, "", "json"),
        ({}, "Werkzeug/3.1.3", "text"),
        ({"DEBUG": True}, "", "text"),
        ({"TESTING": True}, "", "text"),
        ({"TESTING": True, "LOG_FORMAT": "json"}, "Werkzeug/3.1.3", "json"),
        ({"LOG_FORMAT": "TEXT"}, "gunicorn/23.0.0", "text"),
    ],
)
def test_the_format_follows_the_server_unless_log_format_says(config, server, expected):
    assert log_format(config, server) == expected


def test_a_workers_own_warm_up_after_a_write_is_not_logged(app, client, make, log_lines):
    from techpulse.serving.warming import Warmer

    make.settings()
    article = make.article("Warmed story")
    cache = app.extensions["techpulse.page_cache"]
    cache.warmer = warmer = Warmer(cache, cache.generation.current, pages=4, watch=False)
    try:
        client.get(f"/articles/{article.slug}")
        assert len(log_lines) == 1  # the visitor's request
        cache.invalidate()
        assert warmer.warm() == 1
        assert len(log_lines) == 1
    finally:
        cache.warmer = None
