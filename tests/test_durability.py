"""The production server is SIGKILLed during a burst of contact messages: none acknowledged
is lost, none is stored twice. The server command is the Makefile's ``serve`` target."""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import shlex
import signal
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from techpulse import PROJECT_ROOT, create_app
from techpulse.extensions import db
from techpulse.models import ContactMessage
from tests.helpers.contact import VALID, hidden_fields
from tests.helpers.servers import free_port

pytestmark = pytest.mark.slow
THREADS = 6
KILL_AFTER = 40  # acknowledged messages before the SIGKILL
# Production mode wants an https site address; requests name that host as a proxy would.
SITE_HOST = "durability.test"


def production_command(port: int) -> list[str]:
    """The command `make serve` runs (its last line), for loopback and ``port``."""
    dry_run = subprocess.run(
        ["make", "-s", "-n", "serve", "HOST=127.0.0.1", f"PORT={port}"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    lines = dry_run.stdout.replace("\\\n", " ").strip().splitlines()  # join continued lines
    return shlex.split(lines[-1])


def start_server(port: int, environment: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Start the production server in its own process group; return once it answers."""
    with log.open("ab") as output:
        server = subprocess.Popen(
            production_command(port), cwd=PROJECT_ROOT, env=environment, start_new_session=True,
            stdout=output, stderr=output,
        )  # fmt: skip
    # Generous: on a loaded 2-core machine importing the app can take many seconds.
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert server.poll() is None, f"the server exited with {server.returncode}"
        try:
            if request(port, "GET", "/healthz")[0] == 200:
                return server
        except OSError:
            time.sleep(0.1)
    kill(server)
    raise AssertionError("the production server did not answer within 90 s")


def kill(server: subprocess.Popen[bytes]) -> None:
    """SIGKILL the server and all its workers at once."""
    try:
        os.killpg(server.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    server.wait(timeout=10)


def request(port: int, method: str, path: str, body: str = "", cookie: str = "") -> tuple:
    """One HTTP request; returns (status, headers, body text)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Host": SITE_HOST}
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if cookie:
        headers["Cookie"] = cookie
    try:
        connection.request(method, path, body=body or None, headers=headers)
        response = connection.getresponse()
        return response.status, response.headers, response.read().decode()
    finally:
        connection.close()


def send_messages(port: int, acknowledged: dict[str, str], stop: threading.Event) -> None:
    """Fill in and send the contact form until the server stops answering."""
    while not stop.is_set():
        try:
            status, headers, html = request(port, "GET", "/contact")
            cookie = "; ".join(c.split(";", 1)[0] for c in headers.get_all("Set-Cookie"))
            text = f"Durability check {secrets.token_hex(8)}: please call us back."
            form = {**hidden_fields(html), "website": "", **VALID, "message": text}
            status, headers, _ = request(port, "POST", "/contact", urlencode(form), cookie)
        except (OSError, http.client.HTTPException, TypeError):
            return  # the server is gone: this one was never acknowledged
        location = headers.get("Location", "")
        match = re.search(r"/contact/thanks/([A-Z0-9-]+)$", location)
        if status == 303 and match:
            acknowledged[text] = match.group(1)


def test_no_acknowledged_contact_message_is_lost_or_doubled_by_a_sigkill(tmp_path: Path):
    instance = tmp_path / "instance"
    instance.mkdir()
    site = create_app({"INSTANCE_PATH": instance, "SECRET_KEY": "x"})
    with site.app_context():
        upgrade()
        db.engine.dispose()
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TECHPULSE_")},
        "TECHPULSE_INSTANCE_PATH": str(instance),
        "TECHPULSE_SECRET_KEY": secrets.token_hex(32),
        "TECHPULSE_SITE_URL": f"https://{SITE_HOST}",
        "TECHPULSE_CONTACT_LIMIT": "100000 per minute",
        "TECHPULSE_CONTACT_MIN_SECONDS": "0",
    }
    port = free_port()
    log = tmp_path / "server.log"
    server = start_server(port, environment, log)
    acknowledged: dict[str, str] = {}
    stop = threading.Event()
    senders = [
        threading.Thread(target=send_messages, args=(port, acknowledged, stop))
        for _ in range(THREADS)
    ]
    try:
        for sender in senders:
            sender.start()
        deadline = time.monotonic() + 60
        while len(acknowledged) < KILL_AFTER and time.monotonic() < deadline:
            time.sleep(0.01)
        kill(server)  # mid-burst: every sender has a request in flight or about to be
        for sender in senders:
            sender.join(timeout=40)
    finally:
        stop.set()
        kill(server)
    assert len(acknowledged) >= KILL_AFTER, "the burst was too slow to test anything"

    server = start_server(port, environment, log)
    try:
        with site.app_context():
            stored = dict(
                db.session.execute(
                    select(ContactMessage.message, func.count()).group_by(ContactMessage.message)
                ).all()
            )
            references = dict(
                db.session.execute(select(ContactMessage.message, ContactMessage.reference)).all()
            )
            db.engine.dispose()
        for text, reference in acknowledged.items():
            assert stored.get(text) == 1, f"{reference} was stored {stored.get(text, 0)} times"
            assert references[text] == reference
            status, _headers, html = request(port, "GET", f"/contact/thanks/{reference}")
            assert status == 200 and reference in html
        assert all(count == 1 for count in stored.values())
        # The production server logs each request as one JSON line.
        lines = [json.loads(line) for line in log.read_text().splitlines() if line[:1] == "{"]
        posts = [
            line for line in lines if line["endpoint"] == "contact.form" and line["status"] == 303
        ]
        assert len(posts) >= len(acknowledged)
        assert all(line["request_id"] and line["method"] == "POST" for line in posts)
    finally:
        kill(server)
