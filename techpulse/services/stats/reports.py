"""What the Statistics page reads: days, top lists, feeds and one story's readers.

Counters come from the database (past days, and today's rows when there is no Redis) and,
when Redis is configured, from Redis for the days not yet drained into the database.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from techpulse.extensions import db
from techpulse.models import Article
from techpulse.models.stats import StatCount
from techpulse.services.stats.sinks import RedisSink, Sink
from techpulse.services.stats.tally import CounterKey

PERIODS = (7, 30, 90)


@dataclass(frozen=True)
class DayPoint:
    """Views and visitors of one day."""

    day: date
    views: int
    visitors: int


@dataclass(frozen=True)
class Ranked:
    """One line of a top list."""

    label: str
    count: int
    story_id: int | None = None


@dataclass(frozen=True)
class FeedLine:
    """One feed: fetches in the period and the latest day's subscriber estimate."""

    feed: str
    fetches: int
    subscribers: int


def counters(
    sink: Sink | None, start: date, end: date, kinds: Iterable[str]
) -> Counter[CounterKey]:
    """Daily counters of ``kinds`` from ``start`` to ``end`` inclusive, wherever they are kept."""
    wanted = set(kinds)
    out: Counter[CounterKey] = Counter()
    in_range = (StatCount.period == "d", StatCount.day >= start, StatCount.day <= end)
    for day, kind, item, number in db.session.execute(
        select(StatCount.day, StatCount.kind, StatCount.item, StatCount.count).where(
            *in_range, StatCount.kind.in_(wanted)
        )
    ):
        out[day, kind, item] += number
    if "visitors" in wanted:
        for day, number in db.session.execute(
            select(StatCount.day, func.count())
            .where(*in_range, StatCount.kind == "vh")
            .group_by(StatCount.day)
        ):
            out[day, "visitors", ""] += number
    if "feed_readers" in wanted:
        for day, item in db.session.execute(
            select(StatCount.day, StatCount.item).where(*in_range, StatCount.kind == "fh")
        ):
            out[day, "feed_readers", item.rpartition("|")[0]] += 1
    if isinstance(sink, RedisSink):
        for day in sink.days():
            if start <= day <= end:
                for kind, item, number in sink.day_rows(day):
                    if kind in wanted:
                        out[day, kind, item] += number
    return out


def days_of(end: date, days: int) -> list[date]:
    """The ``days`` days ending with ``end``."""
    return [end - timedelta(days=offset) for offset in range(days - 1, -1, -1)]


def daily(sink: Sink | None, days: int, today: date | None = None) -> list[DayPoint]:
    """Views and visitors per day for the last ``days`` days, today included."""
    today = today or datetime.now(UTC).date()
    span = days_of(today, days)
    found = counters(sink, span[0], today, ("views", "visitors"))
    return [
        DayPoint(day, found.get((day, "views", ""), 0), found.get((day, "visitors", ""), 0))
        for day in span
    ]


def top(
    sink: Sink | None, kind: str, days: int, limit: int = 10, today: date | None = None
) -> list[Ranked]:
    """The most counted items of ``kind`` over the last ``days`` days."""
    today = today or datetime.now(UTC).date()
    totals: Counter[str] = Counter()
    for (_, _, item), number in counters(
        sink, today - timedelta(days=days - 1), today, (kind,)
    ).items():
        totals[item] += number
    ranked = totals.most_common(limit)
    if kind != "story":
        return [Ranked(item or "(empty)", number) for item, number in ranked]
    ids = [int(item) for item, _ in ranked if item.isdigit()]
    query = select(Article.id, Article.title).where(Article.id.in_(ids))
    titles = {story_id: title for story_id, title in db.session.execute(query)}
    return [
        Ranked(titles.get(int(item), f"Story {item} (deleted)"), number, int(item))
        for item, number in ranked
        if item.isdigit()
    ]


def feeds(sink: Sink | None, days: int, today: date | None = None) -> list[FeedLine]:
    """Each feed's fetches and subscriber estimate (distinct readers + what services report)."""
    today = today or datetime.now(UTC).date()
    found = counters(
        sink, today - timedelta(days=days - 1), today, ("feed", "feed_readers", "fsub")
    )
    fetches: Counter[str] = Counter()
    latest: dict[str, date] = {}
    for (day, kind, item), number in found.items():
        feed = item.rpartition("|")[0] if kind == "fsub" else item
        if kind == "feed":
            fetches[feed] += number
        latest[feed] = max(latest.get(feed, day), day)
    subscribers: Counter[str] = Counter()
    for (day, kind, item), number in found.items():
        feed = item.rpartition("|")[0] if kind == "fsub" else item
        if kind != "feed" and day == latest[feed]:
            subscribers[feed] += number
    return [FeedLine(feed, number, subscribers[feed]) for feed, number in fetches.most_common()]


@dataclass(frozen=True)
class StoryReaders:
    """One story since it was published: total views, per day, first 48 hours."""

    total: int
    per_day: list[DayPoint]
    first_hours: list[int]


def story_readers(sink: Sink | None, story: Article, today: date | None = None) -> StoryReaders:
    """Views of one story since publication, and hour by hour over its first 48 hours."""
    today = today or datetime.now(UTC).date()
    item = str(story.id)
    monthly = db.session.scalar(
        select(func.coalesce(func.sum(StatCount.count), 0)).where(
            StatCount.period == "m", StatCount.kind == "story", StatCount.item == item
        )
    )
    published = story.published_at or datetime.now(UTC)
    if published.tzinfo is None:
        published = published.replace(tzinfo=UTC)
    start = min(published.date(), today)
    found = counters(sink, start, today, ("story", "story_h"))
    span = days_of(today, min((today - start).days + 1, 366))
    per_day = [DayPoint(day, found.get((day, "story", item), 0), 0) for day in span]
    hours = [0] * 48
    first = published.replace(minute=0, second=0, microsecond=0)
    for (day, kind, key), number in found.items():
        story_id, _, hour = key.partition("@")
        if kind != "story_h" or story_id != item:
            continue
        moment = datetime(day.year, day.month, day.day, int(hour), tzinfo=UTC)
        offset = int((moment - first).total_seconds() // 3600)
        if 0 <= offset < 48:
            hours[offset] += number
    total = int(monthly or 0) + sum(
        n for (_, k, key), n in found.items() if k == "story" and key == item
    )
    return StoryReaders(total, per_day, hours)
