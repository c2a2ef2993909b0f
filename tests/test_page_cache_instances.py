"""Two app instances (two hosts) sharing one database, and one Redis when configured:
a write through one is what the next visitor of the other sees."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from techpulse.extensions import db
from techpulse.models import Article, Role
from techpulse.serving.generation import (
    DatabaseGeneration,
    FileGeneration,
    RedisGeneration,
)
from tests.helpers.accounts import log_in
from tests.helpers.apps import POSTGRES_URL, REDIS_URL, new_app
from tests.helpers.forms import article_form


@pytest.fixture(params=["without-redis", "redis"])
def app_config(request: pytest.FixtureRequest, app_config: dict[str, Any]) -> dict[str, Any]:
    """The shared configuration; the ``redis`` run shares TEST_REDIS_URL too."""
    if request.param == "redis":
        if not REDIS_URL:
            pytest.skip("TEST_REDIS_URL is not set")
        app_config["REDIS_URL"] = REDIS_URL
    return app_config


@pytest.fixture
def other_host(app: Flask, app_config: dict[str, Any], tmp_path: Any) -> Iterator[Flask]:
    """A second instance of the site on the same database, as on another server."""
    other = new_app({**app_config, "INSTANCE_PATH": tmp_path / "other-host"})
    if app_config.get("REDIS_URL"):
        from techpulse.extensions import limiter

        with other.app_context():
            limiter.reset()  # the shared Redis keeps counts from earlier tests and runs
    yield other
    with other.app_context():
        db.engine.dispose()


def test_each_host_uses_the_shared_generation(app, other_host, app_config):
    cache = other_host.extensions["techpulse.page_cache"]
    if app_config.get("REDIS_URL"):
        assert isinstance(cache.generation, RedisGeneration)
    elif POSTGRES_URL:
        assert isinstance(cache.generation, DatabaseGeneration)
    else:
        assert isinstance(cache.generation, FileGeneration)
    mine = app.extensions["techpulse.page_cache"].generation
    before = cache.generation.current()
    mine.bump()
    assert cache.generation.current() == mine.current() != before


def test_publish_and_edit_through_one_host_show_on_the_other(client, staff, make, other_host):
    make.settings()
    category = make.category("Hardware")
    old = make.article("Yesterday's chips", category=category)
    visitor = other_host.test_client()
    for url in ("/", f"/articles/{old.slug}"):
        visitor.get(url)
        assert visitor.get(url).headers["X-Cache"] == "hit"

    staff.login(Role.EDITOR)
    new = article_form(category, title="Chips get faster", publish="Publish now")
    assert staff.post("/admin/articles/new", new).status_code == 302
    home = visitor.get("/")
    assert home.headers["X-Cache"] == "miss" and "Chips get faster" in home.get_data(as_text=True)

    edit = article_form(category, title="Chips got slower", slug=old.slug, save="Save")
    assert staff.post(f"/admin/articles/{old.id}/edit", edit).status_code == 302
    assert "Chips got slower" in visitor.get(f"/articles/{old.slug}").get_data(as_text=True)

    unpublish = article_form(category, title="Chips got slower", slug=old.slug, unpublish="x")
    staff.post(f"/admin/articles/{old.id}/edit", unpublish)
    assert visitor.get(f"/articles/{old.slug}").status_code == 404
    assert db.session.get(Article, old.id).published_at is None


def test_a_publish_on_one_host_reaches_the_shared_parts_of_the_other(staff, make, other_host):
    make.settings()
    category = make.category("Hardware")
    stories = [make.article(f"Old story {n}", category=category, hours_ago=5 + n) for n in range(3)]
    visitor = other_host.test_client()
    visitor.get(f"/articles/{stories[0].slug}")  # the other host renders its header and sidebar
    staff.login(Role.EDITOR)
    new = article_form(make.category("Quantum"), title="Qubits everywhere", publish="Publish now")
    assert staff.post("/admin/articles/new", new).status_code == 302
    html = visitor.get(f"/articles/{stories[1].slug}").get_data(as_text=True)
    assert ">Qubits everywhere</a>" in html  # Recent posts
    assert 'href="/category/quantum">Quantum</a>' in html  # the menu


def test_a_staff_session_is_valid_on_every_host(client, staff, other_host):
    staff.login(Role.EDITOR)
    cookie = client.get_cookie("session")
    assert cookie is not None
    browser_on_other_host = other_host.test_client()
    browser_on_other_host.set_cookie("session", cookie.value)
    assert browser_on_other_host.get("/admin/").status_code == 200
    assert other_host.test_client().get("/admin/").status_code == 302  # no cookie: log in


def test_login_limits_are_counted_across_hosts_with_redis(client, make, other_host, app_config):
    if not app_config.get("REDIS_URL"):
        pytest.skip("without Redis each host counts for itself (documented)")
    user = make.staff()
    hosts = [client, other_host.test_client()]
    for attempt in range(5):
        response = log_in(hosts[attempt % 2], user.email, "wrong password here")
        assert response.status_code == 200
    assert log_in(hosts[1], user.email, "wrong password here").status_code == 429
