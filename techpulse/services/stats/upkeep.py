"""Keeping the statistics small: hashes become counts, old days become months, then go.

Run by `flask stats upkeep` (a daily timer) and now and then by the flush thread. One run at
a time: a PostgreSQL advisory lock, SQLite's single writer, and a Redis lock for draining.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Connection, Engine, delete, select, text

from techpulse.models.stats import StatCount, StatSalt
from techpulse.services.stats.sinks import RedisSink, Sink, end_of, rows_of, upsert_on
from techpulse.services.stats.tally import MAXIMA, CounterKey

# A day is closed this long after midnight: late flushes from every worker have arrived.
GRACE = timedelta(minutes=5)
HASH_KINDS = ("vh", "fh")
LOCK_ID = 22_022


@dataclass
class UpkeepReport:
    """What one upkeep run did."""

    drained_days: int = 0
    rolled_days: int = 0
    monthly_rows: int = 0
    deleted_rows: int = 0


def upkeep(
    engine: Engine,
    sink: Sink,
    *,
    daily_days: int,
    retention_days: int,
    now: datetime | None = None,
) -> UpkeepReport:
    """Drain Redis, roll visitor hashes into counts, days into months; delete past retention."""
    now = now or datetime.now(UTC)
    report = UpkeepReport()
    if isinstance(sink, RedisSink):
        report.drained_days = drain_redis(engine, sink, now)
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": LOCK_ID})
        today = now.date()
        # Written first: SQLite takes its write lock here, so two runs never interleave.
        connection.execute(delete(StatSalt).where(StatSalt.day < today))
        report.rolled_days = roll_hashes(connection, now)
        report.monthly_rows = roll_months(connection, today - timedelta(days=daily_days))
        if retention_days:
            report.deleted_rows = delete_before(connection, today - timedelta(days=retention_days))
    return report


def closed(day: date, now: datetime) -> bool:
    """Whether every worker has flushed ``day`` by ``now``."""
    return now >= end_of(day) + GRACE


def drain_redis(engine: Engine, sink: RedisSink, now: datetime) -> int:
    """Move closed days from Redis into the database, then forget them there."""
    if not sink.lock("drain", 300):
        return 0
    drained = 0
    try:
        for day in sink.days():
            if not closed(day, now):
                continue
            counts: Counter[CounterKey] = Counter(
                {(day, kind, item): number for kind, item, number in sink.day_rows(day)}
            )
            with engine.begin() as connection:
                upsert_on(connection, rows_of(counts))
            sink.forget(day)
            drained += 1
    finally:
        sink.unlock("drain")
    return drained


def roll_hashes(connection: Connection, now: datetime) -> int:
    """Count closed days' visitor and feed-reader hashes, then delete the hashes."""
    found = connection.execute(
        select(StatCount.day, StatCount.kind, StatCount.item).where(
            StatCount.period == "d", StatCount.kind.in_(HASH_KINDS), StatCount.day < now.date()
        )
    ).all()
    counts: Counter[CounterKey] = Counter()
    days = set()
    for day, kind, item in found:
        if not closed(day, now):
            continue
        days.add(day)
        if kind == "vh":
            counts[day, "visitors", ""] += 1
        else:
            counts[day, "feed_readers", item.rpartition("|")[0]] += 1
    if counts:
        upsert_on(connection, rows_of(counts))
    for day in days:
        connection.execute(
            delete(StatCount).where(
                StatCount.day == day, StatCount.period == "d", StatCount.kind.in_(HASH_KINDS)
            )
        )
    return len(days)


def roll_months(connection: Connection, cutoff: date) -> int:
    """Daily rows before ``cutoff`` become monthly ones (hourly story rows are dropped)."""
    found = connection.execute(
        select(StatCount.day, StatCount.kind, StatCount.item, StatCount.count).where(
            StatCount.period == "d", StatCount.day < cutoff, StatCount.kind.not_in(HASH_KINDS)
        )
    ).all()
    months: Counter[CounterKey] = Counter()
    for day, kind, item, number in found:
        if kind == "story_h":
            continue
        key = (day.replace(day=1), kind, item)
        months[key] = max(months[key], number) if kind in MAXIMA else months[key] + number
    if months:
        rows = rows_of(months, period="m")
        upsert_on(connection, rows)
    connection.execute(
        delete(StatCount).where(
            StatCount.period == "d", StatCount.day < cutoff, StatCount.kind.not_in(HASH_KINDS)
        )
    )
    return len(months)


def delete_before(connection: Connection, cutoff: date) -> int:
    """Delete every counter older than ``cutoff``; a month goes once all its days are past it."""
    daily = connection.execute(
        delete(StatCount).where(StatCount.period == "d", StatCount.day < cutoff)
    ).rowcount
    monthly = connection.execute(
        delete(StatCount).where(StatCount.period == "m", StatCount.day < cutoff.replace(day=1))
    ).rowcount
    return int(daily or 0) + int(monthly or 0)
