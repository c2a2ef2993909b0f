"""A circuit breaker for a dependency (the database, Redis) that failed.

After a failure, requests stop asking the dependency for ``retry_seconds``: they fail at once
(the page cache then serves its last good copy, or a 503) instead of each waiting for the
connect timeout and tying up every worker thread. When the pause is over, one request tries
again; its success closes the breaker, so recovery needs nobody.
"""

from __future__ import annotations

import logging
import threading
import time

log = logging.getLogger(__name__)


class Breaker:
    """Tracks one dependency: closed (ask it), or open until a moment (do not ask)."""

    def __init__(self, name: str, retry_seconds: float) -> None:
        self.name = name
        self.retry_seconds = retry_seconds
        self._failing = False
        self._open_until = 0.0
        self._lock = threading.Lock()

    @property
    def failing(self) -> bool:
        """Whether the last attempt failed (and no later one succeeded)."""
        return self._failing

    def allow(self) -> bool:
        """Whether to try the dependency now; while failing, one caller per pause does."""
        if not self._failing:
            return True
        with self._lock:
            now = time.monotonic()
            if now < self._open_until:
                return False
            self._open_until = now + self.retry_seconds  # this caller probes; others wait
            return True

    def failed(self, error: BaseException | str) -> None:
        """Note a failure: stop asking for ``retry_seconds``."""
        with self._lock:
            if not self._failing:
                log.warning("%s unavailable, retrying every %ss: %s", self.name,
                            self.retry_seconds, error)  # fmt: skip
            self._failing = True
            self._open_until = time.monotonic() + self.retry_seconds

    def succeeded(self) -> None:
        """Note a success: the dependency is back."""
        if self._failing:
            with self._lock:
                self._failing = False
                self._open_until = 0.0
            log.warning("%s is back", self.name)
