"""A watchdog for PostgreSQL calls that never return.

``statement_timeout`` is enforced by the server, and the driver has no read timeout of its
own, so a server that still acknowledges packets but never answers (a frozen process, a
proxy that stopped forwarding) would hold a worker thread for ever. Every call on a
connection (statement, ping, commit, rollback) is timed here; one that outlives its limit has
its socket shut down, so the driver fails at once with a disconnect error (the page cache's
last good copy or a 503 follows) and the pool drops the connection.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

log = logging.getLogger(__name__)
CHECK_EVERY = 0.25  # seconds between looks at the calls in flight


class Watchdog:
    """Shuts the socket of a database call running longer than ``limit`` seconds."""

    def __init__(self, limit: float) -> None:
        self.limit = limit
        self._busy: dict[int, tuple[float, int]] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pid = 0

    @contextmanager
    def watching(self, dbapi_connection: Any) -> Iterator[None]:
        """Time the call made inside the block on ``dbapi_connection``."""
        try:
            fd = int(dbapi_connection.pgconn.socket)
        except Exception:  # closed already, or not a psycopg connection: nothing to watch
            yield
            return
        self._ensure_thread()
        key = id(dbapi_connection)
        with self._lock:
            self._busy[key] = (time.monotonic() + self.limit, fd)
        try:
            yield
        finally:
            with self._lock:
                self._busy.pop(key, None)

    def _ensure_thread(self) -> None:
        # One thread per process (a server forks its workers after import).
        if self._thread is not None and self._pid == os.getpid():
            return
        with self._lock:
            if self._thread is None or self._pid != os.getpid():
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._run, name="db-watchdog", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            time.sleep(CHECK_EVERY)
            now = time.monotonic()
            with self._lock:
                late = [(key, fd) for key, (due, fd) in self._busy.items() if now >= due]
                for key, _fd in late:
                    del self._busy[key]
            for _key, fd in late:
                log.warning("database call still unanswered after %ss: connection cut", self.limit)
                _shut(fd)


def _shut(fd: int) -> None:
    try:
        with socket.socket(fileno=os.dup(fd)) as sock:
            sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # closed meanwhile: nothing left to cut


def watch_dialect(dialect: Any, watchdog: Watchdog) -> None:
    """Time every call the engine's dialect makes on a connection."""

    def on_cursor(original: Callable[..., Any]) -> Callable[..., Any]:
        def call(cursor: Any, *args: Any, **kwargs: Any) -> Any:
            with watchdog.watching(cursor.connection):
                return original(cursor, *args, **kwargs)

        return call

    def on_connection(original: Callable[..., Any]) -> Callable[..., Any]:
        def call(dbapi_connection: Any, *args: Any, **kwargs: Any) -> Any:
            with watchdog.watching(dbapi_connection):
                return original(dbapi_connection, *args, **kwargs)

        return call

    for name in ("do_execute", "do_execute_no_params", "do_executemany"):
        setattr(dialect, name, on_cursor(getattr(dialect, name)))
    for name in ("do_ping", "do_commit", "do_rollback"):
        setattr(dialect, name, on_connection(getattr(dialect, name)))
