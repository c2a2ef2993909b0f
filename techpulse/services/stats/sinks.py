"""Where a flush goes: the database (one upsert) or Redis (one pipelined round trip).

Both add up whatever every worker on every host sends. The day's visitor salt lives next to
the counters: in Redis with an expiry at the end of the day, else in ``stat_salts`` (rows of
past days deleted as soon as a new day's salt is made).
"""

from __future__ import annotations

import secrets
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, case, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from techpulse.models.stats import StatCount, StatSalt
from techpulse.services.stats.tally import MAXIMA, CounterKey

# SQLite allows 32,766 bound values in one statement; five per row.
ROWS_PER_STATEMENT = 6_000
REDIS_PREFIX = "techpulse:stats:"
REDIS_KEEP = timedelta(days=40)  # if `flask stats upkeep` never runs, Redis still forgets


class Sink(Protocol):
    """Counters out, salts in."""

    def flush(self, counts: Counter[CounterKey]) -> None: ...

    def salt(self, day: date) -> str: ...


def upsert(engine: Engine, rows: list[dict[str, Any]]) -> None:
    """Add ``rows`` to ``stat_counts`` in one statement (per 6,000 rows); maxima keep the larger."""
    with engine.begin() as connection:
        upsert_on(connection, rows)


def upsert_on(connection: Connection, rows: list[dict[str, Any]]) -> None:
    """``upsert`` inside a transaction the caller holds."""
    dialect = connection.dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = StatCount.__table__
    for start in range(0, len(rows), ROWS_PER_STATEMENT):
        statement = insert(table).values(rows[start : start + ROWS_PER_STATEMENT])
        new = statement.excluded.count
        old = table.c.count
        keep_larger = case((new > old, new), else_=old)
        statement = statement.on_conflict_do_update(
            index_elements=["day", "period", "kind", "item"],
            set_={"count": case((table.c.kind.in_(MAXIMA), keep_larger), else_=old + new)},
        )
        connection.execute(statement)


def rows_of(counts: Counter[CounterKey], period: str = "d") -> list[dict[str, Any]]:
    """Counter entries as ``stat_counts`` rows."""
    merged: Counter[CounterKey] = Counter()
    for (day, kind, item), number in counts.items():
        key = (day, kind, item[:200])  # two long items may meet once cut: one row each key
        merged[key] = max(merged[key], number) if kind in MAXIMA else merged[key] + number
    return [
        {"day": day, "period": period, "kind": kind, "item": item, "count": number}
        for (day, kind, item), number in merged.items()
    ]


def end_of(day: date) -> datetime:
    """Midnight after ``day``, UTC."""
    return datetime.combine(day + timedelta(days=1), time(), UTC)


class DatabaseSink:
    """Counters and salts in the site's database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def flush(self, counts: Counter[CounterKey]) -> None:
        """One upsert of everything counted since the last flush."""
        if counts:
            upsert(self.engine, rows_of(counts))

    def salt(self, day: date) -> str:
        """The day's salt, made by whichever worker asks first; older salts are deleted."""
        insert = postgresql.insert if self.engine.dialect.name == "postgresql" else sqlite.insert
        with self.engine.begin() as connection:
            connection.execute(
                insert(StatSalt.__table__)
                .values(day=day, salt=secrets.token_hex(32))
                .on_conflict_do_nothing(index_elements=["day"])
            )
            connection.execute(delete(StatSalt).where(StatSalt.day < day))
            return connection.execute(select(StatSalt.salt).where(StatSalt.day == day)).scalar_one()


class RedisSink:
    """Counters in Redis: a hash per day, HyperLogLogs for distinct visitors and feed readers."""

    def __init__(self, url: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)

    def flush(self, counts: Counter[CounterKey]) -> None:
        """One round trip, all or nothing (MULTI/EXEC): HINCRBY, PFADD, ZADD GT, expiries."""
        if not counts:
            return
        pipe = self.client.pipeline(transaction=True)
        keys: set[str] = set()
        for (day, kind, item), number in counts.items():
            stamp = day.isoformat()
            if kind in ("vh", "fh"):
                feed, _, digest = item.rpartition("|")
                key = f"{REDIS_PREFIX}hll:{stamp}:{kind}:{feed}"
                pipe.pfadd(key, digest)
                pipe.sadd(f"{REDIS_PREFIX}hlls:{stamp}", f"{kind}:{feed}")
                keys.update((key, f"{REDIS_PREFIX}hlls:{stamp}"))
            elif kind in MAXIMA:
                key = f"{REDIS_PREFIX}max:{stamp}"
                pipe.zadd(key, {f"{kind}\t{item}": number}, gt=True)
                keys.add(key)
            else:
                key = f"{REDIS_PREFIX}sum:{stamp}"
                pipe.hincrby(key, f"{kind}\t{item}", number)
                keys.add(key)
            pipe.sadd(f"{REDIS_PREFIX}days", stamp)
        for key in keys:
            pipe.expire(key, REDIS_KEEP)
        pipe.execute()

    def salt(self, day: date) -> str:
        """The day's salt, shared by every host, gone from Redis when the day ends."""
        key = f"{REDIS_PREFIX}salt:{day.isoformat()}"
        expires = max(1, int((end_of(day) - datetime.now(UTC)).total_seconds()))
        self.client.set(key, secrets.token_hex(32), nx=True, ex=expires)
        value = self.client.get(key)
        return value.decode() if value else secrets.token_hex(32)

    def days(self) -> list[date]:
        """Days with counters still in Redis."""
        members = self.client.smembers(f"{REDIS_PREFIX}days")
        return sorted(date.fromisoformat(m.decode()) for m in members)

    def day_rows(self, day: date) -> list[tuple[str, str, int]]:
        """A day's counters in rolled-up form: visitors and feed readers already counted."""
        stamp = day.isoformat()
        rows: list[tuple[str, str, int]] = []
        for field, number in self.client.hgetall(f"{REDIS_PREFIX}sum:{stamp}").items():
            kind, _, item = field.decode().partition("\t")
            rows.append((kind, item, int(number)))
        for member, score in self.client.zrange(
            f"{REDIS_PREFIX}max:{stamp}", 0, -1, withscores=True
        ):
            kind, _, item = member.decode().partition("\t")
            rows.append((kind, item, int(score)))
        for name in self.client.smembers(f"{REDIS_PREFIX}hlls:{stamp}"):
            kind, _, feed = name.decode().partition(":")
            number = int(self.client.pfcount(f"{REDIS_PREFIX}hll:{stamp}:{kind}:{feed}"))
            rows.append(
                ("visitors", "", number) if kind == "vh" else ("feed_readers", feed, number)
            )
        return rows

    def forget(self, day: date) -> None:
        """Delete a day's counters once they are in the database."""
        stamp = day.isoformat()
        hlls = self.client.smembers(f"{REDIS_PREFIX}hlls:{stamp}")
        keys = [f"{REDIS_PREFIX}hll:{stamp}:{name.decode()}" for name in hlls]
        keys += [f"{REDIS_PREFIX}{part}:{stamp}" for part in ("sum", "max", "hlls")]
        self.client.delete(*keys)
        self.client.srem(f"{REDIS_PREFIX}days", stamp)

    def lock(self, name: str, seconds: int) -> bool:
        """A lock one host at a time holds (upkeep)."""
        return bool(self.client.set(f"{REDIS_PREFIX}lock:{name}", "1", nx=True, ex=seconds))

    def unlock(self, name: str) -> None:
        """Release a lock taken with ``lock``."""
        self.client.delete(f"{REDIS_PREFIX}lock:{name}")
