"""The editorial calendar: what ran, what is scheduled and what is planned, day by day.

Days are the site's days (TIMEZONE); times are stored in UTC. Moving a story goes through
the article editor like any other save (revision, audit event, checks, cache).
"""

from __future__ import annotations

import calendar as month_calendar
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload, selectinload

from techpulse.clock import site_time, site_zone, utcnow
from techpulse.extensions import db
from techpulse.models import Article, Status, User
from techpulse.services.editorial.article_editor import save_article
from techpulse.services.editorial.article_input import Action, input_from_article

SHOWN = (Status.PUBLISHED.value, Status.SCHEDULED.value)
PLANNED = (Status.DRAFT.value, Status.REVIEW.value)


@dataclass(frozen=True)
class Entry:
    """A story on a day: ``when`` (UTC), and whether it ran, is scheduled or only planned."""

    article: Article
    when: datetime
    kind: str  # "published", "scheduled", "planned"


@dataclass
class Day:
    """One day of the grid with its stories, in time order."""

    day: date
    in_range: bool
    entries: list[Entry] = field(default_factory=list)


def _utc(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=site_zone()).astimezone(UTC)


def entries_between(first: date, last: date) -> list[Entry]:
    """Published, scheduled and planned stories from ``first`` to ``last`` (site days)."""
    start, end = _utc(first), _utc(last + timedelta(days=1))
    dated = and_(Article.status.in_(SHOWN), Article.published_at >= start)
    dated = and_(dated, Article.published_at < end)
    planned = and_(Article.status.in_(PLANNED), Article.target_at >= start)
    planned = and_(planned, Article.target_at < end)
    query = select(Article).where(or_(dated, planned)).options(joinedload(Article.author))
    now = utcnow()
    entries = []
    for article in db.session.scalars(query):
        if article.status in SHOWN and article.published_at is not None:
            kind = "published" if article.published_at <= now else "scheduled"
            entries.append(Entry(article, article.published_at, kind))
        elif article.target_at is not None:
            entries.append(Entry(article, article.target_at, "planned"))
    return sorted(entries, key=lambda entry: (entry.when, entry.article.id))


def _days(first: date, last: date, shown_from: date, shown_to: date) -> list[Day]:
    days = [Day(first + timedelta(days=n), False) for n in range((last - first).days + 1)]
    by_day = {day.day: day for day in days}
    for day in days:
        day.in_range = shown_from <= day.day <= shown_to
    for entry in entries_between(first, last):
        found = by_day.get(site_time(entry.when).date())
        if found is not None:
            found.entries.append(entry)
    return days


def month(year: int, month_number: int) -> list[list[Day]]:
    """The month's weeks, Monday to Sunday, with the days around it to fill them."""
    weeks = month_calendar.Calendar().monthdatescalendar(year, month_number)
    first, last = weeks[0][0], weeks[-1][-1]
    own_first = date(year, month_number, 1)
    own_last = date(year, month_number, month_calendar.monthrange(year, month_number)[1])
    days = _days(first, last, own_first, own_last)
    return [days[n : n + 7] for n in range(0, len(days), 7)]


def week(any_day: date) -> list[Day]:
    """The Monday-to-Sunday week holding ``any_day``."""
    first = any_day - timedelta(days=any_day.weekday())
    last = first + timedelta(days=6)
    return _days(first, last, first, last)


def today() -> date:
    """Today in the site's time zone."""
    return site_time(utcnow()).date()


def unscheduled(limit: int = 30) -> list[Article]:
    """Stories waiting for a date: in review (oldest first), then drafts planned for a day."""
    query = (
        select(Article)
        .where(
            or_(
                Article.status == Status.REVIEW.value,
                and_(Article.status == Status.DRAFT.value, Article.target_at.is_not(None)),
            )
        )
        .options(joinedload(Article.author))
        .order_by(Article.status.desc(), Article.updated_at)
    )
    return list(db.session.scalars(query.limit(limit)))


def schedule(article_id: int, when: datetime, editor: User) -> Article | None:
    """Give a story a new publication time (site time): schedule it, move it, or backdate it.

    A story not out yet is scheduled (the time must be in the future); a published or
    scheduled one moves (an editor may backdate). Raises what ``save_article`` raises.
    """
    article = db.session.scalar(
        select(Article)
        .where(Article.id == article_id)
        .options(selectinload(Article.tags), selectinload(Article.coauthor_links))
    )
    if article is None or article.status == Status.TRASHED:
        return None
    action = Action.SAVE if article.status in SHOWN else Action.SCHEDULE
    return save_article(article, input_from_article(article, publish_at=when), editor, action)
