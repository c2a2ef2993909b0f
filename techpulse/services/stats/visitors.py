"""Who is counted and what a request says: crawlers, opt-outs, referrers, terms, feed readers."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# A known crawler or monitor is decided once per distinct User-Agent: the package's
# pattern list costs about a millisecond per call.
_CRAWLER_MEMO: dict[str, bool] = {}
_MEMO_LIMIT = 20_000

# Referrers that are search engines, by the end of their host name.
SEARCH_ENGINES: tuple[tuple[str, str], ...] = (
    ("google.", "Google"),
    ("bing.com", "Bing"),
    ("duckduckgo.com", "DuckDuckGo"),
    ("search.yahoo.", "Yahoo"),
    ("yandex.", "Yandex"),
    ("baidu.com", "Baidu"),
    ("ecosia.org", "Ecosia"),
    ("search.brave.com", "Brave Search"),
    ("startpage.com", "Startpage"),
    ("qwant.com", "Qwant"),
    ("kagi.com", "Kagi"),
)
DIRECT = "direct"
_SUBSCRIBERS = re.compile(r"(\d+)\s+(?:subscribers?|readers?)\b", re.IGNORECASE)
_BROWSER = ("mozilla/", "opera/")


def is_crawler(user_agent: str) -> bool:
    """Whether a User-Agent is a crawler, monitor or script (no User-Agent counts as one)."""
    found = _CRAWLER_MEMO.get(user_agent)
    if found is None:
        lowered = user_agent.lower()
        if not lowered.startswith(_BROWSER):
            found = True
        else:  # loaded on first use, in the flush thread: ~1,000 patterns a worker may never need
            import crawleruseragents

            found = crawleruseragents.is_crawler(user_agent)
        if len(_CRAWLER_MEMO) >= _MEMO_LIMIT:
            _CRAWLER_MEMO.clear()
        _CRAWLER_MEMO[user_agent] = found
    return found


def opted_out(dnt: str, gpc: str) -> bool:
    """``DNT: 1`` or ``Sec-GPC: 1``: the visitor asked not to be tracked; we do not count them."""
    return dnt.strip() == "1" or gpc.strip() == "1"


def prefetched(sec_purpose: str, purpose: str) -> bool:
    """A prefetch or prerender the visitor may never see (``Sec-Purpose``, ``Purpose``)."""
    wanted = f"{sec_purpose} {purpose}".lower()
    return "prefetch" in wanted or "prerender" in wanted


def referrer_source(referer: str, own_hosts: frozenset[str]) -> str:
    """The referring domain only: a search engine's name, "direct" for none or our own site."""
    if not referer:
        return DIRECT
    try:
        host = (urlsplit(referer).hostname or "").lower().rstrip(".")
    except ValueError:
        return DIRECT
    if not host or host in own_hosts:
        return DIRECT
    for marker, name in SEARCH_ENGINES:
        if marker.endswith("."):
            if host.startswith(marker) or f".{marker}" in host:
                return name
        elif host == marker or host.endswith("." + marker):
            return name
    return host.removeprefix("www.")[:200]


def normalise_term(words: str) -> str:
    """A search as counted: case-folded, spaces collapsed, at most 100 characters."""
    return " ".join(words.casefold().split())[:100]


def reported_subscribers(user_agent: str) -> tuple[str, int] | None:
    """A feed service saying how many people it fetches for ("Feedly/1.0 (…; 42 subscribers)")."""
    found = _SUBSCRIBERS.search(user_agent)
    if found is None:
        return None
    reader = re.split(r"[/ (;]", user_agent.strip(), maxsplit=1)[0][:60] or "reader"
    return reader, int(found.group(1))
