"""Scheduled stories going live: recorded once, by the first read after their time.

Public workers call this (``serving/cacheability.py``), so it imports nothing but the models:
no editor, no image library.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from techpulse.clock import utcnow
from techpulse.extensions import db
from techpulse.models import Article, AuditEvent, Status
from techpulse.services import listing_counts

SCHEDULE = "schedule"  # the "from where" of what the clock did (no one clicked anything)


def record_go_lives(now: datetime | None = None) -> int:
    """Mark scheduled stories whose time has come as published, each recorded once.

    Safe to call from any request, even mid-render: it works in a session of its own (the
    request's objects stay as they are), and each row changes under a condition on its
    status, so two processes never record the same story twice. Returns how many went live.
    """
    now = now or utcnow()
    due = select(Article.id, Article.title).where(
        Article.status == Status.SCHEDULED.value, Article.published_at <= now
    )
    with Session(db.engine) as session:
        rows = session.execute(due.order_by(Article.published_at)).all()
        went = 0
        for article_id, title in rows:
            # A plain UPDATE: no listing count or page changes (the story is already live by
            # the clock), so none of the write hooks has anything to do.
            changed = session.execute(
                update(Article.__table__)
                .where(Article.id == article_id, Article.status == Status.SCHEDULED.value)
                # Going live is no edit: "modified" stays when the story was last changed.
                .values(status=Status.PUBLISHED.value, updated_at=Article.__table__.c.updated_at)
            )
            if changed.rowcount == 1:
                went += 1
                listing_counts.note_went_live(session, article_id)
                session.add(
                    AuditEvent(action="article.went_live", target=title[:200], ip=SCHEDULE,
                               subject_kind="article", subject_id=article_id)
                )  # fmt: skip
        session.commit()
    return went
