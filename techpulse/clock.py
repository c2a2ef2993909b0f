"""The one source of "now", so tests can move time (scheduling) without patching datetime."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime


def _system_now() -> datetime:
    return datetime.now(UTC)


# Tests replace this (monkeypatch.setattr(clock, "source", ...)) to freeze or move time.
source: Callable[[], datetime] = _system_now


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return source()
