"""Throttling counted in the database: shared by every worker and host, kept across restarts."""

from __future__ import annotations

from datetime import timedelta

from limits import RateLimitItem, parse
from sqlalchemy import delete, func, select

from techpulse.clock import utcnow
from techpulse.extensions import db
from techpulse.models import ThrottleHit

# Hits older than this are deleted as new ones arrive, so the table stays small.
KEEP = timedelta(days=1)


def _window(limit: str) -> tuple[RateLimitItem, timedelta]:
    item = parse(limit)
    return item, timedelta(seconds=item.get_expiry())


def exceeded(key: str, limit: str) -> bool:
    """Whether ``key`` already has as many hits as ``limit`` (e.g. "5 per 15 minutes") allows."""
    item, window = _window(limit)
    since = utcnow() - window
    query = select(func.count()).where(ThrottleHit.key == key[:300], ThrottleHit.at > since)
    return (db.session.scalar(query) or 0) >= item.amount


def hit(*keys: str) -> None:
    """Count one attempt under each key (the caller commits)."""
    now = utcnow()
    db.session.execute(delete(ThrottleHit).where(ThrottleHit.at < now - KEEP))
    db.session.add_all(ThrottleHit(key=key[:300], at=now) for key in keys)


def clear(key: str) -> None:
    """Forget the hits under ``key`` (the caller commits)."""
    db.session.execute(delete(ThrottleHit).where(ThrottleHit.key == key[:300]))
