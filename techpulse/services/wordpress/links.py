"""Links between imported posts, rewritten to the site's own stable story links.

Pass one learns every post's and page's old addresses (its permalink, ``?p=ID``,
``/archives/ID``, its slug under any date or category prefix). While a body is converted,
each link to one of them becomes ``article:ID`` (the editor's story link, resolved to the
story's current address whenever it is saved) or the page's address; any other link to the
old host loses the host, so the old-address redirects here answer it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

from flask import url_for
from sqlalchemy import select

from techpulse.extensions import db
from techpulse.models import Article, Page
from techpulse.services.wordpress.records import wp_slug
from techpulse.services.wordpress.wxr import Item

_ARCHIVES = re.compile(r"^/archives/(\d{1,9})/?$")
_NOT_POSTS = ("/category/", "/tag/", "/author/", "/wp-content/", "/feed", "/page/", "/wp-")


@dataclass
class OldLinks:
    """The export's posts and pages by every address form they had."""

    hosts: set[str] = field(default_factory=set)
    kinds: dict[int, str] = field(default_factory=dict)  # post id → "post" or "page"
    by_path: dict[str, int] = field(default_factory=dict)
    by_slug: dict[str, int] = field(default_factory=dict)

    def learn_host(self, url: str) -> None:
        """Note a host the old site answered on (with and without www.)."""
        host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
        if host:
            self.hosts.update({host, f"www.{host}"})

    def learn(self, item: Item) -> None:
        """Remember a post's or page's addresses (called while reading the export)."""
        if item.post_type not in ("post", "page") or not item.post_id:
            return
        self.kinds[item.post_id] = item.post_type
        self.learn_host(item.link)
        for url in (item.link, item.guid):
            path = urlsplit(url).path
            if path.strip("/"):
                self.by_path.setdefault(_path_key(path), item.post_id)
        slug = wp_slug(item.post_name)
        if slug:
            self.by_slug.setdefault(slug, item.post_id)

    def post_id(self, href: str) -> int | None:
        """The old post or page an address names, or None."""
        parts = urlsplit(href)
        query = parse_qs(parts.query)
        for name in ("p", "page_id"):
            value = (query.get(name) or [""])[0]
            if value.isdigit() and int(value) in self.kinds:
                return int(value)
        if archived := _ARCHIVES.match(parts.path):
            found = int(archived[1])
            return found if found in self.kinds else None
        path = _path_key(parts.path)
        if path in self.by_path:
            return self.by_path[path]
        if not path.strip("/") or path.startswith(_NOT_POSTS):
            return None
        return self.by_slug.get(wp_slug(path.rsplit("/", 1)[-1]))

    def is_old(self, href: str) -> bool:
        """Whether ``href`` points at the old site: its host, or a path relative to its root."""
        parts = urlsplit(href.strip())
        if parts.scheme not in ("", "http", "https"):
            return False
        if parts.netloc:
            return (parts.hostname or "").lower() in self.hosts
        if parts.path:
            return parts.path.startswith("/")
        return parts.query != ""  # "?p=12": the old home page's query


@dataclass
class LinkRewriter:
    """Rewrites one import's links; notes links to posts not imported yet (done once more)."""

    links: OldLinks
    waiting: bool = False  # a link names a post this run has not reached yet

    def __call__(self, href: str) -> str | None:
        """The new address for ``href``, or None to keep it."""
        if not self.links.is_old(href):
            return None
        parts = urlsplit(href.strip())
        post_id = self.links.post_id(href)
        if post_id is not None:
            target = self._target(post_id)
            if target is not None:
                return target
            self.waiting = True
        if not parts.netloc or parts.path.startswith("/wp-content/"):
            return None  # already relative; an old file stays where it was
        relative = parts.path or "/"
        relative += f"?{parts.query}" if parts.query else ""
        return relative + (f"#{parts.fragment}" if parts.fragment else "")

    def _target(self, post_id: int) -> str | None:
        if self.links.kinds.get(post_id) == "page":
            page = db.session.scalar(select(Page).where(Page.wordpress_id == post_id))
            if page is None:
                return None
            if page.slug == "about":
                return url_for("company.about")
            return url_for("company.page", slug=page.slug)
        article_id = db.session.scalar(select(Article.id).where(Article.wordpress_id == post_id))
        return f"article:{article_id}" if article_id else None


def _path_key(path: str) -> str:
    return unquote(path).lower().rstrip("/") or "/"
