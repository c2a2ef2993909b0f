"""The one source of "now", so tests can move time (scheduling) without patching datetime."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import current_app


def _system_now() -> datetime:
    return datetime.now(UTC)


# Tests replace this (monkeypatch.setattr(clock, "source", ...)) to freeze or move time.
source: Callable[[], datetime] = _system_now


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return source()


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def site_zone() -> ZoneInfo:
    """The site's time zone (config TIMEZONE, Asia/Kolkata by default)."""
    return _zone(current_app.config["TIMEZONE"])


def site_time(value: datetime) -> datetime:
    """An aware datetime shown in the site's time zone."""
    return value.astimezone(site_zone())
