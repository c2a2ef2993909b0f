"""Absolute URLs never come from an unchecked Host header: unknown hosts get 400."""

from __future__ import annotations

import pytest

from techpulse import create_app
from techpulse.config import trusted_hosts
from techpulse.extensions import db
from tests.helpers.pages import elements


@pytest.fixture
def serve(app_config, _database_schema):
    """Build a second app from ``app_config`` (after the test changed it); closes it after."""
    built = []

    def build():
        other = create_app(app_config)
        with other.app_context():
            db.create_all()
        built.append(other)
        return other.test_client()

    yield build
    for other in built:
        with other.app_context():
            db.engine.dispose()


PUBLIC = ["/", "/feed.xml", "/sitemap.xml", "/robots.txt", "/login", "/no-such-page"]


def test_unknown_host_is_refused_before_it_reaches_any_url(client, make):
    article = make.article("Share me")
    for path in [*PUBLIC, f"/articles/{article.slug}"]:
        response = client.get(path, headers={"Host": "evil.example"})
        assert response.status_code == 400, path
        assert b"evil.example" not in response.data
        assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "127.0.0.1:5000", "localhost:8000"])
def test_local_hosts_are_trusted_by_default(client, make, host):
    article = make.article("Share me")
    html = client.get(f"/articles/{article.slug}", headers={"Host": host}).get_data(as_text=True)
    (link,) = [e for e in elements(html, "link") if e.get("rel") == "canonical"]
    assert link.get("href") == f"http://{host}/articles/{article.slug}"


def test_site_url_host_is_trusted_and_wins_over_the_request_host(app_config, serve):
    app_config["SITE_URL"] = "https://news.codedote.example"
    client = serve()
    hosts = client.application.config["TRUSTED_HOSTS"]
    assert hosts == ["localhost", "127.0.0.1", "news.codedote.example"]
    html = client.get("/", headers={"Host": "news.codedote.example"}).get_data(as_text=True)
    assert 'rel="canonical" href="https://news.codedote.example/"' in html
    assert client.get("/", headers={"Host": "other.example"}).status_code == 400


def test_trusted_hosts_from_the_environment(app_config, monkeypatch):
    monkeypatch.setenv("TECHPULSE_TRUSTED_HOSTS", "techpulse.example, .codedote.example")
    app = create_app(app_config)
    assert app.config["TRUSTED_HOSTS"] == ["techpulse.example", ".codedote.example"]
    monkeypatch.setenv("TECHPULSE_TRUSTED_HOSTS", '["a.example"]')
    assert create_app(app_config).config["TRUSTED_HOSTS"] == ["a.example"]


def test_trusted_hosts_setting_forms():
    assert trusted_hosts(None, "") == ["localhost", "127.0.0.1"]
    assert trusted_hosts("", "http://x.example:8080/") == ["localhost", "127.0.0.1", "x.example"]
    assert trusted_hosts(["a.example"], "https://a.example") == ["a.example"]
    assert trusted_hosts("*", "https://a.example") is None  # a proxy in front checks the host


def test_wildcard_answers_any_host(monkeypatch, serve):
    monkeypatch.setenv("TECHPULSE_TRUSTED_HOSTS", "*")
    response = serve().get("/robots.txt", headers={"Host": "anything.example"})
    assert response.status_code == 200
