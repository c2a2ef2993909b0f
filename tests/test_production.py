"""Production mode refuses unsafe settings, with a message saying how to fix each one."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from techpulse import create_app
from techpulse.web import production
from techpulse.web.production import UnsafeConfiguration
from tests.helpers.servers import free_port

ROOT = Path(__file__).resolve().parent.parent
GOOD_KEY = "c2f1e0a9b8d7c6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9"


def test_unsafe_settings_are_refused_with_how_to_fix_them(tmp_path):
    with pytest.raises(UnsafeConfiguration) as refused:
        create_app({"PRODUCTION": True, "DEBUG": True, "SITE_URL": "http://news.example",
                    "INSTANCE_PATH": tmp_path / "instance"})  # fmt: skip
    message = str(refused.value)
    assert "there is no secret key" in message and "TECHPULSE_SECRET_KEY" in message
    assert "debug mode is on" in message and "FLASK_DEBUG" in message
    assert "TECHPULSE_SITE_URL=https://" in message
    assert "make run" in message
    assert not (tmp_path / "instance" / "secret_key").exists()  # nothing generated silently


@pytest.mark.parametrize("key", ["short", "changeme", "a" * 40, "0101010101" * 4])
def test_weak_secret_keys_are_refused(tmp_path, key):
    with pytest.raises(UnsafeConfiguration, match="secret key"):
        create_app({"PRODUCTION": True, "SECRET_KEY": key, "SITE_URL": "https://news.example",
                    "INSTANCE_PATH": tmp_path / "instance"})  # fmt: skip


def test_a_safe_configuration_starts_with_secure_host_only_cookies(tmp_path):
    app = create_app({"PRODUCTION": True, "SECRET_KEY": GOOD_KEY, "SITE_URL": "https://news.example",
                      "INSTANCE_PATH": tmp_path / "instance",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite'}"})  # fmt: skip
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-session"
    assert app.config["REMEMBER_COOKIE_NAME"] == "__Host-remember_token"


def test_development_and_tests_are_not_production():
    assert not production.is_production({"TESTING": True})
    assert production.is_production({"PRODUCTION": True, "TESTING": True})
    assert not production.is_production({"PRODUCTION": False})


GRANIAN = str(Path(sys.executable).with_name("granian"))
SERVERS = {
    # granian is the production server (make serve, deploy/); gunicorn is the other supported.
    "granian": lambda port: [GRANIAN, "--interface", "wsgi", "--workers", "1",
                             "--host", "127.0.0.1", "--port", str(port), "app:app"],
    "gunicorn": lambda port: [sys.executable, "-m", "gunicorn", "--workers", "1",
                              "--bind", f"127.0.0.1:{port}", "app:app"],
}  # fmt: skip


def server(name: str, tmp_path: Path, **env: str) -> subprocess.Popen[str]:
    """A production server as the README runs it, on a free loopback port."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("TECHPULSE_", "FLASK_"))}
    environ.update(TECHPULSE_INSTANCE_PATH=str(tmp_path / "instance"),
                   TECHPULSE_DATABASE_URL=f"sqlite:///{tmp_path / 'g.sqlite'}", **env)  # fmt: skip
    port = free_port()
    command = SERVERS[name](port)
    process = subprocess.Popen(command, cwd=ROOT, env=environ, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    process.port = port  # type: ignore[attr-defined]
    return process


@pytest.mark.slow
@pytest.mark.parametrize("name", SERVERS)
def test_the_server_is_production_by_default_and_refuses_to_start_unsafely(tmp_path, name):
    process = server(name, tmp_path)
    try:
        _, errors = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode != 0
    assert "refuses to start in production mode" in errors and "TECHPULSE_SECRET_KEY" in errors


@pytest.mark.slow
@pytest.mark.parametrize("name", SERVERS)
def test_the_server_serves_with_a_safe_configuration(tmp_path, name):
    process = server(name, tmp_path, TECHPULSE_SECRET_KEY=GOOD_KEY,
                       TECHPULSE_SITE_URL="https://news.example")  # fmt: skip
    try:
        url = f"http://127.0.0.1:{process.port}/static/css/site.css"
        for _ in range(100):
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    headers = response.headers
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail(f"{name} did not answer")
        assert headers["Strict-Transport-Security"] == "max-age=63072000"
    finally:
        process.terminate()
        process.communicate(timeout=30)
