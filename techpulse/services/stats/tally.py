"""Raw hits of one flush interval → counters: who is left out, what is counted where.

A hit is the tuple the serving path captured (see ``Hit``); nothing here runs while a visitor
waits. Counter keys are (day, kind, item); kinds are listed in docs/statistics.md.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import Any, NamedTuple
from urllib.parse import unquote

from techpulse.services.stats import visitors

PAGE_KINDS = frozenset({"story", "page", "archive", "search"})
# Counters whose flushes keep the largest value instead of adding up (reported subscribers).
MAXIMA = frozenset({"fsub", "vh", "fh"})

CounterKey = tuple[date, str, str]


def hour_of(timestamp: float) -> float:
    """A Unix time cut to the start of its hour (hits are counted per hour at most)."""
    return timestamp // 3600 * 3600


class Hit(NamedTuple):
    """What the serving path keeps of one response, for at most one flush interval."""

    at: float  # cut to the hour
    label: str
    addr: str
    forwarded: str
    user_agent: str
    referer: str
    host: str
    dnt: str
    gpc: str
    sec_purpose: str
    purpose: str


def client_address(hit: Hit, proxies: int) -> str:
    """The visitor's address as ProxyFix would read it (``proxies`` trusted hops)."""
    if proxies and hit.forwarded:
        hops = [part.strip() for part in hit.forwarded.split(",")]
        if len(hops) >= proxies:
            return hops[-proxies]
    return hit.addr


def visitor_hash(salt: str, address: str, user_agent: str) -> str:
    """A day's pseudonym for a visitor: never the address, useless once the salt is gone."""
    data = f"{salt}\0{address}\0{user_agent}".encode("utf-8", "replace")
    return hashlib.blake2b(data, digest_size=8).hexdigest()


def counts_of(
    hits: Mapping[tuple[Any, ...], int],
    salt_for: Callable[[date], str],
    *,
    proxies: int = 0,
    own_hosts: frozenset[str] = frozenset(),
) -> Counter[CounterKey]:
    """Count the hits that are readers: page views, visitors, referrers, searches, feeds.

    ``hits`` maps each distinct hit (a plain tuple in ``Hit``'s order, its time cut to the
    hour) to how often it came: the same reader on the same page in the same hour is worked
    out once, so a flush costs per distinct hit, not per request.
    """
    counts: Counter[CounterKey] = Counter()
    for fields, times in hits.items():
        hit = Hit._make(field or "" if index else field for index, field in enumerate(fields))
        if visitors.opted_out(hit.dnt, hit.gpc) or visitors.prefetched(
            hit.sec_purpose, hit.purpose
        ):
            continue
        kind, _, item = hit.label.partition(":")
        moment = datetime.fromtimestamp(hit.at, UTC)
        day = moment.date()
        if kind == "feed":
            _count_feed(counts, day, item, hit, salt_for(day), proxies, times)
            continue
        if kind not in PAGE_KINDS or visitors.is_crawler(hit.user_agent):
            continue
        counts[day, "views", ""] += times
        if kind == "search":
            found, _, words = item.partition(":")
            term = visitors.normalise_term(unquote(words))
            counts[day, "search", term] += times
            if found == "0":
                counts[day, "search_none", term] += times
        else:
            counts[day, kind, item] += times
        if kind == "story":
            counts[day, "story_h", f"{item}@{moment.hour:02d}"] += times
        own = own_hosts | {hit.host.partition(":")[0].lower()}
        counts[day, "referrer", visitors.referrer_source(hit.referer, own)] += times
        address = client_address(hit, proxies)
        counts[day, "vh", visitor_hash(salt_for(day), address, hit.user_agent)] = 1
    return counts


def _count_feed(
    counts: Counter[CounterKey], day: date, feed: str, hit: Hit, salt: str, proxies: int, times: int
) -> None:
    """Feed readers are programs: every fetch counts; subscribers are estimated per day."""
    counts[day, "feed", feed] += times
    reported = visitors.reported_subscribers(hit.user_agent)
    if reported is not None:
        reader, number = reported
        key = (day, "fsub", f"{feed}|{reader}")
        counts[key] = max(counts[key], number)
        return
    address = client_address(hit, proxies)
    counts[day, "fh", f"{feed}|{visitor_hash(salt, address, hit.user_agent)}"] = 1
