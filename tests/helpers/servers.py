"""Real servers inside the tests: free loopback ports, the app over HTTP, an SMTP server."""

from __future__ import annotations

import random
import socket
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from itertools import count
from typing import Any

from aiosmtpd.controller import Controller
from flask import Flask
from werkzeug.serving import WSGIRequestHandler, make_server

from tests.helpers.apps import worker_index

# Each pytest-xdist worker takes ports from its own block, below the kernel's ephemeral range
# (32768-60999 here), so that neither another worker nor an outgoing connection's local port
# can take a port between the check and the server binding it.
FIRST_PORT = 20_000
PORTS_PER_WORKER = 500
_next_port = count(random.randrange(PORTS_PER_WORKER))  # apart from a concurrent run's


def free_port() -> int:
    """A loopback port nobody listens on right now, from this worker's own block."""
    first = FIRST_PORT + worker_index() * PORTS_PER_WORKER
    for _ in range(PORTS_PER_WORKER):
        port = first + next(_next_port) % PORTS_PER_WORKER
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free loopback port in {first}-{first + PORTS_PER_WORKER - 1}")


_RESPONSE = "tests.live_server.response"


class _ClosesOnce:
    """A response body whose ``close()`` runs once, however many times it is called."""

    def __init__(self, body: Iterable[bytes]) -> None:
        self.body = body
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.body)

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            close: Callable[[], None] | None = getattr(self.body, "close", None)
            if close is not None:
                close()


class _RememberResponse:
    """Keeps the response body in the environ, where the request handler can close it."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        body = _ClosesOnce(self.app(environ, start_response))
        environ[_RESPONSE] = body
        return body


class _ClosingRequestHandler(WSGIRequestHandler):
    """Werkzeug's handler, closing the response of a client that went away.

    After sending a response Werkzeug drains the socket, then closes the response body. When
    the client reset the connection (Chromium cancelling an image download) that drain raises
    ConnectionResetError first, so ``close()`` never runs and the open file (send_file) is left
    to the garbage collector: a ResourceWarning in whichever test runs next.
    """

    def connection_dropped(
        self, error: BaseException, environ: dict[str, Any] | None = None
    ) -> None:
        body = (environ or {}).get(_RESPONSE)
        if body is not None:
            body.close()


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """Serve ``app`` over HTTP on a free loopback port in threads; yields its base URL."""
    server = make_server(
        "127.0.0.1", 0, _RememberResponse(app), threaded=True,
        request_handler=_ClosingRequestHandler,
    )  # fmt: skip
    # shutdown() waits for the loop to look again: every 50 ms, not the default half second.
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()  # also waits for requests still being answered


class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], EmailMessage]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd API
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.received.append((list(envelope.rcpt_tos), parsed))
        return "250 OK"


class SMTPServer:
    """A local SMTP server that can be stopped and started again on the same port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.inbox = Inbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def received(self) -> list[tuple[list[str], EmailMessage]]:
        return self.inbox.received


@contextmanager
def smtp_server() -> Iterator[SMTPServer]:
    """A started SMTP server, stopped afterwards."""
    server = SMTPServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def text_of(email: EmailMessage) -> str:
    """The plain-text part of a received e-mail, with plain line ends."""
    part = email.get_body(preferencelist=("plain",))
    assert part is not None, "the e-mail has no plain-text part"
    return part.get_content().replace("\r\n", "\n")


def mail_settings(smtp: SMTPServer) -> dict[str, Any]:
    """The configuration that sends the site's e-mail to ``smtp``."""
    return {
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp.port,
        "MAIL_USE_TLS": False,
        "MAIL_SENDER": "web@codedote.example",
        "MAIL_TIMEOUT": 2,
    }
