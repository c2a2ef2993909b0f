"""A server worker hands the memory a burst of renders freed back to the operating system.

Pages, gzip buffers and query results larger than Python's small-object allocator come from
the C library's ``malloc``; once freed they stay in the process (glibc keeps them for reuse,
in one heap per thread that allocated them), so a worker that rendered a burst of pages
kept its peak size. glibc's ``malloc_trim`` returns those free pages to the system. One
thread per worker calls it every ``MEMORY_TRIM_SECONDS`` (while it runs, the other threads
go on: the call releases the GIL). Elsewhere than glibc this does nothing.
"""

from __future__ import annotations

import ctypes
import os
import threading
import time
from typing import Any

from flask import Flask

_STATE: dict[str, Any] = {"interval": 0.0, "pid": 0}
_START = threading.Lock()


def _malloc_trim() -> Any:
    try:
        return ctypes.CDLL(None).malloc_trim  # the C library this process already runs on
    except (AttributeError, OSError):  # not glibc (musl, macOS): nothing to trim
        return None


MALLOC_TRIM = _malloc_trim()


def release_free_memory() -> bool:
    """Give the free pages of every malloc heap back to the system; whether any were."""
    return bool(MALLOC_TRIM(0)) if MALLOC_TRIM is not None else False


def _trim_while_on(interval: float) -> None:
    """Trim every ``interval`` seconds until this process's setting changes."""
    pid = os.getpid()
    while True:
        time.sleep(interval)
        if _STATE["interval"] != interval or _STATE["pid"] != pid:
            return
        release_free_memory()


def _start() -> None:
    interval = _STATE["interval"]
    if not interval or MALLOC_TRIM is None or _STATE["pid"] == os.getpid():
        return
    with _START:
        if _STATE["pid"] == os.getpid():
            return
        _STATE["pid"] = os.getpid()
        threading.Thread(
            target=_trim_while_on, args=(interval,), name="memory-trim", daemon=True
        ).start()


def register(app: Flask) -> None:
    """In a server worker, trim every MEMORY_TRIM_SECONDS (0: never); also in forked workers."""
    from techpulse.web.production import served_by_wsgi_server

    interval = float(app.config.get("MEMORY_TRIM_SECONDS") or 0)
    if interval <= 0 or not served_by_wsgi_server():
        return
    _STATE["interval"] = interval
    _start()


os.register_at_fork(after_in_child=_start)
