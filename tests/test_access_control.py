"""The security matrix, built from app.url_map so that no new route can escape it:
every staff URL needs a login and the right role, and every POST needs a CSRF token."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select
from werkzeug.routing import FloatConverter, IntegerConverter, Rule

from techpulse.extensions import db
from techpulse.models import Role
from techpulse.policy import required_role
from tests.helpers.accounts import PASSWORD, csrf_from

MISSING_ID = 999_999  # ids that exist nowhere: allowed users get a 404, never a side effect


def url_for_rule(rule: Rule, number: int = 1) -> str:
    """A concrete URL for ``rule``: numbers for numeric arguments, "x" for the rest."""
    values = {}
    for name in rule.arguments:
        numeric = isinstance(rule._converters[name], IntegerConverter | FloatConverter)
        values[name] = number if numeric else "x"
    _, path = rule.build(values, append_unknown=False)
    return path


def admin_rules(app) -> list[Rule]:
    rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/admin")]
    assert len(rules) > 5, "the staff area should have routes"
    return rules


def request_as(client, rule: Rule, url: str, token: str):
    """GET when the route allows it, else POST with a valid CSRF token (so the policy decides)."""
    if "GET" in rule.methods:
        return client.get(url)
    return client.post(url, data={"csrf_token": token})


def logged_in(app, make, role: Role):
    client = app.test_client()
    user = make.staff(role)
    token = csrf_from(client.get("/login").data)
    response = client.post(
        "/login", data={"csrf_token": token, "email": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    return client, csrf_from(client.get("/admin/").data)


def test_every_admin_url_sends_anonymous_visitors_to_login(app, client):
    token = csrf_from(client.get("/login").data)
    for rule in admin_rules(app):
        url = url_for_rule(rule)
        response = request_as(client, rule, url, token)
        assert response.status_code == 302, (rule.rule, response.status_code)
        location = urlsplit(response.headers["Location"])
        assert location.path == "/login", rule.rule
        assert parse_qs(location.query)["next"][0].startswith(url.split("?")[0]), rule.rule


def test_every_admin_url_refuses_lesser_roles_and_admits_the_required_one(app, make):
    clients = {role: logged_in(app, make, role) for role in Role}
    needed_roles, problems = set(), []
    for rule in admin_rules(app):
        with app.test_request_context():
            needed = required_role(rule.endpoint)
        needed_roles.add(needed)
        url = url_for_rule(rule, MISSING_ID)
        for role, (client, token) in clients.items():
            response = request_as(client, rule, url, token)
            status, location = response.status_code, response.headers.get("Location", "")
            if role.rank < needed.rank:
                if "POST" in rule.methods and status == 403:  # refused before the view runs
                    status = client.post(url, data={"csrf_token": token}).status_code
                wrong = status != 403
            else:  # admitted: anything but a refusal, a login redirect or a crash
                wrong = status == 403 or status >= 500 or location.startswith("/login")
            if wrong:
                problems.append(f"{rule.rule} as {role.value} (needs {needed.value}): {status}")
    assert not problems, "\n".join(problems)
    assert Role.ADMIN in needed_roles  # users, settings, audit are admin-only
    for client, _ in clients.values():  # nobody was logged out along the way
        assert client.get("/admin/").status_code == 200


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, to prove a refused POST changed nothing."""
    db.session.rollback()
    return {
        table.name: sorted(map(tuple, db.session.execute(select(table)).all()), key=repr)
        for table in db.metadata.sorted_tables
    }


@pytest.fixture
def content(make):
    """A row with id 1 in the main tables, so POSTs to …/1/… have something to change."""
    make.settings()
    author = make.user()
    make.article("A published story", author=author, tags=("python",))
    make.image()


def test_every_post_without_a_csrf_token_is_refused_and_changes_nothing(app, make, content):
    admin, _ = logged_in(app, make, Role.ADMIN)
    anonymous = app.test_client()
    post_rules = [rule for rule in app.url_map.iter_rules() if "POST" in rule.methods]
    endpoints = {rule.endpoint for rule in post_rules}
    assert {"auth.login", "auth.logout"} <= endpoints
    before = snapshot()
    for rule in post_rules:
        client = admin if rule.rule.startswith(("/admin", "/logout", "/account")) else anonymous
        data = {"email": "x@example.com", "password": PASSWORD, "title": "x", "name": "x"}
        response = client.post(url_for_rule(rule), data=data)
        assert response.status_code == 400, (rule.rule, response.status_code)
    assert snapshot() == before
    assert admin.get("/admin/").status_code == 200  # the token-less logout did not log out
