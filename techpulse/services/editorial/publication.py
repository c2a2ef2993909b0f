"""When a story goes out: the status and time a save sets, its audit event, and going live.

A scheduled story goes live by the clock alone (``Article.live``); ``going_live.py``
records that once, on the first read after its time.
"""

from __future__ import annotations

from datetime import datetime

from techpulse.clock import utcnow
from techpulse.models import Article, Status
from techpulse.services import audit
from techpulse.services.editorial.article_input import Action

AUDITED = {
    Action.SAVE: "article.saved",
    Action.SUBMIT: "article.submitted",
    Action.PUBLISH: "article.published",
    Action.SCHEDULE: "article.scheduled",
    Action.UNPUBLISH: "article.unpublished",
}


def apply_action(
    article: Article, action: Action, publish_at: datetime | None, publisher: bool
) -> bool:
    """Set the status and publication time; True when a save moved the publication time."""
    if action == Action.SUBMIT:
        article.status = Status.REVIEW.value
    elif action == Action.PUBLISH:
        if publish_at is not None:  # backdated
            article.published_at = publish_at
        elif not article.is_live():
            article.published_at = utcnow()
        article.status = Status.PUBLISHED.value
    elif action == Action.SCHEDULE:
        article.status, article.published_at = Status.SCHEDULED.value, publish_at
    elif action == Action.UNPUBLISH:
        article.status, article.published_at = Status.DRAFT.value, None
    elif action == Action.SAVE and publisher and publish_at is not None:
        return _move_publication(article, publish_at)
    return False


def _move_publication(article: Article, when: datetime) -> bool:
    """An editor changed the time of a published or scheduled story: backdate or reschedule."""
    if article.status not in (Status.PUBLISHED, Status.SCHEDULED) or article.published_at is None:
        return False
    if when.replace(second=0, microsecond=0) == article.published_at.replace(
        second=0, microsecond=0
    ):
        return False
    article.published_at = when
    article.status = (Status.SCHEDULED if when > utcnow() else Status.PUBLISHED).value
    return True


def audit_save(
    article: Article, action: Action, when: datetime | None, *, created: bool, moved: bool
) -> None:
    """One plain event per save: created, saved, submitted, published, scheduled, moved…"""
    if created and action == Action.SAVE:
        name = "article.created"
    elif moved and action == Action.SAVE:
        name = "article.rescheduled"
    else:
        name = AUDITED[action]
    detail = when.isoformat(timespec="minutes") if when and action != Action.SUBMIT else ""
    audit.record(name, article.title, detail, subject=article)
