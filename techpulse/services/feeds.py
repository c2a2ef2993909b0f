"""Atom and RSS feeds: the latest live articles of the site, a category, a tag or an author."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache

from flask import url_for
from markupsafe import escape
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import selectinload

from techpulse.extensions import db
from techpulse.markup.pictures import media_path
from techpulse.models import Article, Category, Tag, User
from techpulse.services import articles
from techpulse.services.site import site_settings
from techpulse.web.urls import absolute_url, site_host, site_root

FEED_LENGTH = 20
SCOPES = ("category", "tag", "author")
# A feed with no entries still needs an <updated>; a fixed instant keeps its ETag stable.
EMPTY_FEED_UPDATED = datetime(2026, 1, 1, tzinfo=UTC)
_ROOT_RELATIVE = re.compile(r'(\s(?:href|src)=")/(?!/)')
_SRCSET = re.compile(r'(\ssrcset=")([^"]*)"')
# Characters XML 1.0 cannot carry at all; a stray one would make the whole feed unparseable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value: str) -> str:
    """``value`` without the characters XML 1.0 forbids."""
    return _NOT_XML.sub("", value)


@dataclass(frozen=True)
class Enclosure:
    """The banner of an entry, as a feed enclosure."""

    url: str
    mime_type: str
    length: int
    alt: str


@dataclass(frozen=True)
class FeedEntry:
    """One article as feed readers see it."""

    id: str
    title: str
    url: str
    summary: str
    content_html: str
    published: datetime
    updated: datetime
    authors: list[tuple[str, str]]  # (name, author page URL) of each person, in byline order
    categories: list[str]
    banner: Enclosure | None


EntryKey = tuple[str, str, int]
SharedEach = Callable[
    [Sequence[EntryKey], Callable[[list[EntryKey]], Mapping[EntryKey, "FeedEntry"]]],
    list["FeedEntry"],
]


def each_loaded(
    keys: Sequence[EntryKey], load: Callable[[list[EntryKey]], Mapping[EntryKey, FeedEntry]]
) -> list[FeedEntry]:
    """Every entry loaded now, in order (nothing shared)."""
    found = load(list(keys))
    return [found[key] for key in keys if key in found]


@dataclass(frozen=True)
class Feed:
    """A feed's own details and its entries, newest first."""

    title: str
    subtitle: str
    html_url: str
    entries: list[FeedEntry] = field(default_factory=list)

    @property
    def updated(self) -> datetime:
        """The newest change among the entries (what Last-Modified reports)."""
        return max((entry.updated for entry in self.entries), default=EMPTY_FEED_UPDATED)


@dataclass(frozen=True)
class _Scope:
    title: str
    subtitle: str
    html_path: str
    within: dict[str, Category | Tag | User] = field(default_factory=dict)


def _scope(scope: str | None, slug: str) -> _Scope | None:
    """What a feed covers: its title, its HTML page and the category, tag or author."""
    site = site_settings()
    if scope is None:
        return _Scope(site.site_name, site.tagline, url_for("blog.home"))
    if scope == "category" and (category := articles.category_by_slug(slug)):
        path = url_for("blog.category", slug=category.slug)
        return _Scope(category.name, category.description, path, {"category": category})
    if scope == "tag" and (tag := articles.tag_by_slug(slug)):
        return _Scope(tag.name, "", url_for("blog.tag", slug=tag.slug), {"tag": tag})
    if scope == "author" and (author := articles.author_by_slug(slug)):
        path = url_for("blog.author", slug=author.slug)
        return _Scope(author.name, author.bio, path, {"author": author})
    return None


def build_feed(
    scope: str | None = None, slug: str = "", *, share: SharedEach = each_loaded
) -> Feed | None:
    """The feed of the whole site, or of one category, tag or author; None if there is none.

    ``share(keys, load)`` answers the entries in order, calling ``load`` for those it does
    not hold yet: the public feeds pass the page-cache generation's store, so an entry is
    worked out once and shared by every feed that lists the story.
    """
    found = _scope(scope, slug)
    if found is None:
        return None
    ids = articles.published_articles(1, FEED_LENGTH, **found.within).items  # type: ignore[arg-type]
    root = site_root()

    def load(missing: list[EntryKey]) -> dict[EntryKey, FeedEntry]:
        stories = db.session.scalars(_stories(), {"ids": [key[2] for key in missing]})
        return {("feed-entry", root, story.id): feed_entry(story) for story in stories.unique()}

    entries = share([("feed-entry", root, ident) for ident in ids], load)
    site = site_settings()
    title = found.title if scope is None else f"{found.title} — {site.site_name}"
    subtitle = xml_text(found.subtitle or site.tagline)
    return Feed(xml_text(title), subtitle, absolute_url(found.html_path), entries)


@cache
def _stories() -> Select[tuple[Article]]:
    """Stories by id with everything an entry shows, built once."""
    query = select(Article).where(Article.id.in_(bindparam("ids", expanding=True)))
    return query.options(*articles.STORY_LOADS, selectinload(Article.tags))


def entry_id(article: Article) -> str:
    """A tag: URI that stays the same when the article's title, slug or dates change."""
    return f"tag:{site_host()},{article.created_at:%Y-%m-%d}:article-{article.id}"


def absolute_links(html: str) -> str:
    """Root-relative href/src/srcset addresses made absolute, so feed readers can follow them."""
    root = site_root()
    html = _ROOT_RELATIVE.sub(lambda match: match.group(1) + root + "/", html)
    return _SRCSET.sub(lambda m: f'{m.group(1)}{_absolute_srcset(m.group(2), root)}"', html)


def _absolute_srcset(value: str, root: str) -> str:
    """Each root-relative candidate of a ``srcset`` ("/media/a.jpg 480w, …") made absolute."""
    candidates = [candidate.strip() for candidate in value.split(",")]
    return ", ".join(
        root + candidate
        if candidate.startswith("/") and not candidate.startswith("//")
        else candidate
        for candidate in candidates
    )


def feed_entry(article: Article) -> FeedEntry:
    """An article turned into a feed entry: summary, full sanitized content and banner."""
    banner = None
    content = absolute_links(article.body_html)
    if article.banner is not None:
        variant = article.banner.of_kind("responsive", article.banner.fallback_format)[-1]
        banner = Enclosure(
            url=absolute_url(media_path(variant["file"])),
            mime_type=f"image/{variant['format']}",
            length=int(variant.get("bytes", 0)),
            alt=article.banner.alt_text,
        )
        image = f'<p><img src="{escape(banner.url)}" alt="{escape(banner.alt)}"></p>'
        content = image + content
    return FeedEntry(
        id=entry_id(article),
        title=xml_text(article.title),
        url=absolute_url(url_for("blog.article", slug=article.slug)),
        summary=xml_text(article.excerpt),
        content_html=xml_text(content),
        published=article.published_at or article.created_at,
        updated=article.modified_at,
        authors=[
            (xml_text(person.name), absolute_url(url_for("blog.author", slug=person.slug)))
            for person in article.bylines
        ],
        categories=[xml_text(article.category.name), *(xml_text(tag.name) for tag in article.tags)],
        banner=banner,
    )
