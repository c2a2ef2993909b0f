"""Readership statistics: counters per day (later per month) and the day's visitor salt."""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Date, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from techpulse.extensions import db


class StatCount(db.Model):
    """One counter: what (kind, item) was counted how often on a day, or in a month.

    ``period`` is "d" (``day`` is that day) or "m" (``day`` is the first of the month).
    Until a day is rolled up, its unique visitors are rows of kind "vh"/"fh" whose item is a
    salted hash; the roll-up replaces them with one "visitors"/"feed_readers" count.
    """

    __tablename__ = "stat_counts"
    __table_args__ = (Index("ix_stat_counts_kind_day", "kind", "day"),)

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    period: Mapped[str] = mapped_column(String(1), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    item: Mapped[str] = mapped_column(String(200), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger, default=0)


class StatSalt(db.Model):
    """The secret that makes visitor hashes of one day; deleted when the day is over."""

    __tablename__ = "stat_salts"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    salt: Mapped[str] = mapped_column(String(64))
