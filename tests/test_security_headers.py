"""HSTS over https (direct or via a trusted proxy) and an A+ by the Observatory's rules."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import Headers

from techpulse.extensions import db
from tests.helpers.accounts import csrf_from
from tests.helpers.apps import new_app
from tests.helpers.observatory import score

HTTPS = "https://news.example"


@pytest.fixture
def app_config(app_config):
    app_config["SITE_URL"] = HTTPS
    return app_config


@pytest.fixture
def site(make) -> list[str]:
    """Public URLs of a small site: home, a story, its category, tag and author, and more."""
    make.settings()
    category, author = make.category("Artificial Intelligence"), make.user("Asha Patel")
    article = make.article("Google May Drop Scale AI Deal!", tags=("ai",), category=category,
                           author=author)  # fmt: skip
    return ["/", f"/articles/{article.slug}", f"/category/{category.slug}", "/tag/ai",
            f"/author/{author.slug}", "/about", "/contact", "/login", "/forgot-password",
            "/no-such-page"]  # fmt: skip


def test_every_public_page_and_login_grade_a_plus_over_https(client, site):
    for url in site:
        response = client.get(url, base_url=HTTPS)
        result = score(response, host="news.example")
        assert result.grade == "A+", (url, result.score, result.modifiers)


def test_login_with_its_session_cookie_grades_a_plus(client, site):
    response = client.get("/login", base_url=HTTPS)
    assert response.headers.getlist("Set-Cookie"), "the login page sets the CSRF session cookie"
    result = score(response, host="news.example")
    assert result.modifiers["cookies-secure-with-httponly-sessions-and-samesite"] == 5
    assert result.grade == "A+" and result.score >= 115, result.modifiers


def test_hsts_is_sent_over_https_for_two_years(client):
    response = client.get("/", base_url=HTTPS)
    assert response.headers["Strict-Transport-Security"] == "max-age=63072000"


@pytest.fixture
def another_app(app, app_config):
    """Builds a second app on the same database with changed settings; disposed afterwards."""
    made = []

    def build(**settings):
        application = new_app({**app_config, **settings})
        made.append(application)
        return application

    yield build
    for application in made:
        with application.app_context():
            db.engine.dispose()


def plain_http_app(another_app, **extra):
    return another_app(SITE_URL="", **extra)


def test_no_hsts_over_plain_http_and_a_forged_proto_header_is_ignored(another_app):
    direct = plain_http_app(another_app)
    response = direct.test_client().get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers
    assert response.headers.get_all("Set-Cookie") == []


def test_hsts_behind_a_trusted_proxy_that_terminates_tls(another_app):
    proxied = plain_http_app(another_app, PROXY_FIX_X_FOR=1)
    client = proxied.test_client()
    over_tls = client.get(
        "/login", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "1.2.3.4"}
    )
    assert over_tls.headers["Strict-Transport-Security"].startswith("max-age=63072000")
    plain = client.get(
        "/login", headers={"X-Forwarded-Proto": "http", "X-Forwarded-For": "1.2.3.4"}
    )
    assert "Strict-Transport-Security" not in plain.headers


def test_hsts_options_follow_the_settings(another_app):
    application = another_app(HSTS_INCLUDE_SUBDOMAINS=True, HSTS_PRELOAD=True)
    response = application.test_client().get("/no-such-page", base_url=HTTPS)
    assert response.headers["Strict-Transport-Security"] == (
        "max-age=63072000; includeSubDomains; preload"
    )


def test_the_scorer_fails_what_the_issue_measured():
    """The scorer gives the grades the issue reported before the fix, so it can fail."""

    class Fake:
        mimetype = "text/html"

        def __init__(self, headers: dict[str, str], cookies: list[str] = ()):
            self.headers = Headers(headers)
            for cookie in cookies:
                self.headers.add("Set-Cookie", cookie)

        def get_data(self, as_text: bool = False) -> str:
            return '<script src="/static/js/site.js"></script>'

    from techpulse.web.security import CONTENT_SECURITY_POLICY

    before = {
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "strict-origin-when-cross-origin",
    }
    assert score(Fake(before)).grade == "B+"  # no HSTS: public pages
    login = Fake(before, ["session=abc; HttpOnly; Path=/; SameSite=Lax"])
    assert score(login).grade == "D+"  # and a session cookie without Secure: /login
    assert score(Fake({})).grade == "F"


def test_the_csrf_check_still_works_over_https(client, make):
    page = client.get("/contact", base_url=HTTPS)
    refused = client.post("/contact", base_url=HTTPS, data={"csrf_token": csrf_from(page.data)})
    assert refused.status_code == 400  # no Referer from our own origin: refused, not a 500
