"""What staff see at a glance: counts, the review queue, what is scheduled."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from techpulse.clock import utcnow
from techpulse.extensions import db
from techpulse.models import Article, Status


def status_counts() -> dict[str, int]:
    """Articles per status; a scheduled article whose time has come counts as published."""
    counts = {status.value: 0 for status in Status}
    rows = db.session.execute(select(Article.status, func.count()).group_by(Article.status))
    counts.update({status: number for status, number in rows})
    due = select(func.count()).where(
        Article.status == Status.SCHEDULED.value, Article.published_at <= utcnow()
    )
    moved = db.session.scalar(due) or 0
    counts[Status.SCHEDULED.value] -= moved
    counts[Status.PUBLISHED.value] += moved
    return counts


def awaiting_review(limit: int = 10) -> list[Article]:
    """Articles their authors submitted for review, oldest first."""
    query = (
        select(Article)
        .where(Article.status == Status.REVIEW.value)
        .options(joinedload(Article.author))
        .order_by(Article.updated_at)
    )
    return list(db.session.scalars(query.limit(limit)))


def upcoming(limit: int = 10) -> list[Article]:
    """Scheduled articles not yet live, soonest first."""
    query = (
        select(Article)
        .where(Article.status == Status.SCHEDULED.value, Article.published_at > utcnow())
        .options(joinedload(Article.author))
        .order_by(Article.published_at)
    )
    return list(db.session.scalars(query.limit(limit)))
