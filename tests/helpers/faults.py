"""Dependencies that fail on cue: a TCP proxy in front of a real service that can forward,
refuse connections (a stopped service), black-hole them (a service that stops answering:
open connections are cut, new ones accepted and never answered) or freeze (as a stopped
process: open connections stay open but nothing comes back, new ones are never answered).

Nothing here touches the machine's real PostgreSQL or Redis: the app under test talks to the
proxy's port, and the proxy decides what that service looks like.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

from tests.helpers.servers import free_port

FORWARD, REFUSE, BLACK_HOLE, FREEZE = "forward", "refuse", "black hole", "freeze"


class FaultyProxy:
    """Listens on ``port`` (loopback) and, depending on ``mode``, forwards to ``target``,
    refuses (nothing listens) or accepts and never answers."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self.mode = REFUSE
        self._listener: socket.socket | None = None
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()

    def set_mode(self, mode: str) -> None:
        """Switch: every open connection is cut (as when the service dies), then new ones
        are forwarded, refused or held without an answer."""
        with self._lock:
            self.mode = mode
            if mode != FREEZE:
                for sock in self._open:
                    _close(sock)
                self._open.clear()
            if mode == REFUSE and self._listener is not None:
                _close(self._listener)
                self._listener = None
            elif mode != REFUSE and self._listener is None:
                self._listener = socket.create_server(("127.0.0.1", self.port), backlog=128)
                threading.Thread(target=self._accept, args=(self._listener,), daemon=True).start()

    def close(self) -> None:
        """Stop listening and cut everything."""
        self.set_mode(REFUSE)

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # the listener was closed
            with self._lock:
                if self._listener is not listener:
                    _close(client)
                    return
                self._open.append(client)
                mode = self.mode
            if mode == FORWARD:
                threading.Thread(target=self._forward, args=(client,), daemon=True).start()
            # BLACK_HOLE: the connection is accepted and kept open, and nothing is ever read.

    def _forward(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(self.target, timeout=5)
        except OSError:
            _close(client)
            return
        upstream.settimeout(None)
        with self._lock:
            if self.mode != FORWARD:
                _close(upstream)
                _close(client)
                return
            self._open.append(upstream)
        threading.Thread(target=self._pump, args=(upstream, client), daemon=True).start()
        self._pump(client, upstream)

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                if self.mode == FREEZE:
                    continue  # read and dropped: the other side waits for ever
                sink.sendall(data)
        except OSError:
            pass
        _close(source)
        _close(sink)


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()


@contextmanager
def proxy_for(url: str, mode: str = FORWARD) -> Iterator[tuple[FaultyProxy, str]]:
    """A proxy in front of the service at ``url``; yields it and ``url`` through it."""
    parts = urlsplit(url)
    proxy = FaultyProxy(parts.hostname or "127.0.0.1", parts.port or _default_port(parts.scheme))
    proxy.set_mode(mode)
    netloc = parts.netloc.rsplit("@", 1)
    host = f"127.0.0.1:{proxy.port}"
    through = netloc[0] + "@" + host if len(netloc) == 2 else host
    try:
        yield proxy, urlunsplit(parts._replace(netloc=through))
    finally:
        proxy.close()


def _default_port(scheme: str) -> int:
    return 6379 if scheme.startswith("redis") else 5432


@contextmanager
def black_hole() -> Iterator[int]:
    """A port that accepts connections and never answers; yields the port."""
    proxy = FaultyProxy("127.0.0.1", 9)
    proxy.set_mode(BLACK_HOLE)
    try:
        yield proxy.port
    finally:
        proxy.close()


def closed_port() -> int:
    """A loopback port nothing listens on (connections are refused)."""
    return free_port()
