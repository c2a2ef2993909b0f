"""What a public address is, for counting: "story:12", "page:about", "archive:/tag/x", "feed:…"."""

from __future__ import annotations

from urllib.parse import quote

PAGES = {"blog.home": "page:home", "company.about": "page:about"}
ARCHIVES = frozenset({"blog.category", "blog.tag", "blog.author"})


def label_for(endpoint: str | None, path: str) -> str | None:
    """The label of a page known by its endpoint alone (stories and searches need more)."""
    if endpoint is None:
        return None
    if endpoint in PAGES:
        return PAGES[endpoint]
    if endpoint in ARCHIVES:
        return "archive:" + quote(path)
    if endpoint == "company.page":
        return "page:" + quote(path.rpartition("/")[2])
    if endpoint.startswith("feeds."):
        return "feed:" + quote(path)
    return None


def story_label(story_id: int) -> str:
    """A story's label."""
    return f"story:{story_id}"


def search_label(words: str, found: bool) -> str:
    """A search's label: whether anything was found, and the words."""
    return f"search:{'1' if found else '0'}:{quote(words)}"


ADDRESS = "address:"


def by_address(path: str, query: str) -> str:
    """A hit known only by its address, to be labelled at the flush (``resolve_addresses``)."""
    return f"{ADDRESS}{path}?{query}" if query else ADDRESS + path
