"""Failed-login throttling counted in the database: shared by workers, kept across restarts."""

from __future__ import annotations

import pytest

from techpulse.extensions import db
from techpulse.models import Role
from tests.helpers.accounts import PASSWORD, csrf_from
from tests.helpers.apps import new_app


def attempt(client, email: str, password: str, ip: str = "127.0.0.1"):
    token = csrf_from(client.get("/login").data)
    return client.post(
        "/login",
        data={"csrf_token": token, "email": email, "password": password},
        environ_base={"REMOTE_ADDR": ip},
    )


@pytest.fixture
def second_worker(app, app_config):
    """Another application process on the same database, as a second gunicorn worker is."""
    worker = new_app(app_config)
    yield worker
    with worker.app_context():
        db.session.remove()
        db.engine.dispose()


def test_failures_on_one_worker_count_on_another(app, client, make, second_worker):
    user = make.staff(Role.EDITOR)
    other = second_worker.test_client()
    for n in range(5):
        worker = client if n % 2 else other
        assert attempt(worker, user.email, "wrong password number n").status_code == 200
    assert attempt(client, user.email, PASSWORD).status_code == 429
    assert attempt(other, user.email, PASSWORD).status_code == 429


def test_the_count_survives_a_restart_without_redis(app, app_config, make):
    user = make.staff(Role.EDITOR)
    first = new_app(app_config)
    for _ in range(5):
        attempt(first.test_client(), user.email, "wrong password again")
    with first.app_context():
        db.engine.dispose()
    restarted = new_app(app_config)  # a new process: nothing kept in memory
    assert restarted.config["REDIS_URL"] == ""
    assert attempt(restarted.test_client(), user.email, PASSWORD).status_code == 429
    with restarted.app_context():
        db.engine.dispose()


def test_the_window_passes_and_the_right_password_works_again(client, make, now):
    user = make.staff(Role.EDITOR)
    for _ in range(5):
        attempt(client, user.email, "wrong password again")
    assert attempt(client, user.email, PASSWORD).status_code == 429
    now.advance(minutes=16)
    assert attempt(client, user.email, PASSWORD).status_code == 302


def test_one_address_trying_many_accounts_is_stopped(client, make):
    for n in range(20):
        assert (
            attempt(client, f"guess{n}@example.com", "password guess", ip="10.1.1.1").status_code
            == 200
        )
    user = make.staff(Role.EDITOR)
    assert attempt(client, user.email, PASSWORD, ip="10.1.1.1").status_code == 429
    assert attempt(client, user.email, PASSWORD, ip="10.1.1.2").status_code == 302
