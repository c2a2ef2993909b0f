"""Any address a WordPress site served, resolved to ours: a resolver, not a list.

Every permalink structure WordPress offers is read from the path itself — ``/%year%/
%monthnum%/%day%/%postname%/``, ``/%year%/%monthnum%/%postname%/``, ``/archives/%post_id%``,
``/%category%/%postname%/``, ``/%postname%/`` — and the post found by its slug or id (both
indexed), the site-local date in the address checked against the post's. Feeds in every
form, search, ``/page/N/`` pagination, archives and author nicenames, uploads and attachment
pages answer too. Each answer is one of our own addresses (built with ``url_for``), so a
redirect can never leave the site; each path costs a handful of indexed lookups at most.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from flask import url_for
from sqlalchemy import select

from techpulse.clock import site_time
from techpulse.extensions import db
from techpulse.models import (
    Article,
    Category,
    LegacyRedirect,
    Page,
    SlugRedirect,
    Tag,
    User,
    WordPressPost,
)
from techpulse.services import legacy_urls
from techpulse.services.wordpress.uploads import UPLOADS, upload_target

MAX_SEGMENTS = 8
MAX_NAMES = 5  # posts sharing one slug (a post and a page may); more is not a real site
FEED_KINDS = {
    "feed": "rss",
    "rss2": "rss",
    "rss": "rss",
    "rdf": "rss",
    "atom": "atom",
    "comments-rss2": "rss",
    "comments-atom": "atom",
}
ARCHIVES = ("category", "tag", "author")


@dataclass(frozen=True)
class Archive:
    """A category, tag or author archive of ours: its scope name and slug."""

    scope: str
    slug: str


def target_for_path(path: str) -> str | None:
    """Our address for an old WordPress path, or None (then it stays a 404)."""
    if len(path) > legacy_urls.MAX_PATH:
        return None
    if path.startswith(UPLOADS):
        return upload_target(path)
    parts = [part for part in path.split("/") if part]
    if not parts or len(parts) > MAX_SEGMENTS:
        return None
    if parts[-1] in FEED_KINDS and (parts[-1] == "feed" or parts[-2:-1] == ["feed"]):
        base = parts[:-2] if parts[-2:-1] == ["feed"] else parts[:-1]
        return _feed(base, FEED_KINDS[parts[-1]] if parts[-1] != "feed" else "rss")
    if parts[-1] in ("rss2", "rss", "rdf", "atom") and (len(parts) == 1 or parts[0] in ARCHIVES):
        return _feed(parts[:-1], FEED_KINDS[parts[-1]])  # WordPress also answers /atom/
    if len(parts) >= 2 and parts[-2] == "page":
        return _paginated(parts[:-2], parts[-1])
    if parts[0] in ARCHIVES:
        found = _archive(parts)
        return url_for(f"blog.{found.scope}", slug=found.slug) if found else None
    if parts[0] == "search" and len(parts) == 2:
        return url_for("search.results", q=parts[1][:200])
    if parts[0] == "archives" and len(parts) == 2:
        return _by_post_id(parts[1])
    return _by_slug(parts)


def target_for_query(args: Mapping[str, str]) -> str | None:
    """Our address for the home page's WordPress queries (``?p=``, ``?feed=``, ``?s=``…)."""
    if (old := legacy_urls.target_for_query(args)) is not None:
        return old
    if "feed" in args:
        kind = FEED_KINDS.get(args["feed"], "rss")
        found = _queried_archive(args)
        if found is not None:
            return url_for(f"feeds.{kind}", scope=found.scope, slug=found.slug)
        return url_for(f"feeds.{kind}")
    page = _page_number(args.get("paged", "1")) or 1
    if "s" in args:
        return url_for("search.results", q=args["s"][:200], **_page_arg(page))
    found = _queried_archive(args)
    if found is not None:
        return url_for(f"blog.{found.scope}", slug=found.slug, **_page_arg(page))
    if "paged" in args:
        return url_for("blog.home", **_page_arg(page))
    return None


def _page_number(raw: str) -> int | None:
    return int(raw) if raw.isascii() and raw.isdigit() and 0 < len(raw) <= 6 else None


def _page_arg(page: int) -> dict[str, int]:
    return {"page": page} if page > 1 else {}


def _queried_archive(args: Mapping[str, str]) -> Archive | None:
    for key, scope in (("category_name", "category"), ("tag", "tag"), ("author_name", "author")):
        value = args.get(key, "").strip("/")
        if value and len(value) <= 200:
            return _archive([scope, *value.split("/")[-MAX_SEGMENTS:]])
    return None


def _feed(base: list[str], kind: str) -> str | None:
    if not base or base == ["comments"]:
        return url_for(f"feeds.{kind}")
    if base[0] in ARCHIVES:
        found = _archive(base)
        return url_for(f"feeds.{kind}", scope=found.scope, slug=found.slug) if found else None
    # A post's own comments feed: there are no comments here, so the site's feed.
    return url_for(f"feeds.{kind}") if _by_slug(base) else None


def _paginated(base: list[str], raw: str) -> str | None:
    page = _page_number(raw)
    if page is None:
        return None
    if not base:
        return url_for("blog.home", **_page_arg(page))
    if base[0] == "search" and len(base) == 2:
        return url_for("search.results", q=base[1][:200], **_page_arg(page))
    if base[0] in ARCHIVES:
        found = _archive(base)
        return url_for(f"blog.{found.scope}", slug=found.slug, **_page_arg(page)) if found else None
    return None


def _archive(parts: list[str]) -> Archive | None:
    """``category/a/b``, ``tag/x`` or ``author/x`` → our archive, by old address or slug."""
    scope, names = parts[0], parts[1:]
    if not names or (scope != "category" and len(names) != 1):
        return None
    row = db.session.get(LegacyRedirect, legacy_urls.path_key("/" + "/".join(parts)))
    if row is not None and row.target_type == scope and row.target_id:
        model = {"category": Category, "tag": Tag, "author": User}[scope]
        found = db.session.get(model, row.target_id)
        if found is not None:
            return Archive(scope, found.slug)
    model = {"category": Category, "tag": Tag, "author": User}[scope]
    slug = names[-1].lower()
    found_slug = db.session.scalar(select(model.slug).where(model.slug == slug))
    return Archive(scope, found_slug) if found_slug else None


def _by_post_id(raw: str) -> str | None:
    if not (raw.isascii() and raw.isdigit() and len(raw) < 10):
        return None
    row = db.session.get(WordPressPost, int(raw))
    if row is not None:
        return legacy_urls.target_url(_target_type(row), row.target_id)
    return legacy_urls.target_for_query({"p": raw})  # sites imported before wordpress_posts


def _target_type(row: WordPressPost) -> str:
    return "attachment" if row.kind == "image" else row.kind  # an attachment page: its story


def _date_prefix(parts: list[str]) -> tuple[int, ...]:
    """The year, month and day at the start of a path (as many as there are)."""
    found: list[int] = []
    for index, part in enumerate(parts[:3]):
        if not (part.isascii() and part.isdigit() and len(part) == (4 if index == 0 else 2)):
            break
        found.append(int(part))
    return tuple(found)


def _by_slug(parts: list[str]) -> str | None:
    when = _date_prefix(parts)
    rest = parts[len(when) :]
    if not rest or len(rest) > (2 if when else MAX_SEGMENTS):
        return None
    if when:
        if len(rest) == 2:  # /2024/05/01/post/attachment/: an attachment page
            return _named(rest[1], when=(), kinds=("image",))
        return _named(rest[0], when=when, kinds=("article",))
    if len(rest) == 1:
        return _named(rest[0], when=(), kinds=("article", "page", "image"))
    # /%category%/%postname%/, a child page /parent/child/, or /post/attachment/.
    in_category = _is_category_path(rest[:-1])
    kinds = ("article", "page", "image") if in_category else ("page", "image")
    return _named(rest[-1], when=(), kinds=kinds)


def _is_category_path(names: list[str]) -> bool:
    key = legacy_urls.path_key("/category/" + "/".join(names))
    row = db.session.get(LegacyRedirect, key)
    if row is not None and row.target_type == "category":
        return True
    slug = names[-1].lower()
    return db.session.scalar(select(Category.id).where(Category.slug == slug)) is not None


def _named(name: str, when: tuple[int, ...], kinds: tuple[str, ...]) -> str | None:
    """The live thing WordPress called ``name`` (its date matching ``when``), as our address."""
    name = name.lower()[:200]
    rows = db.session.scalars(
        select(WordPressPost).where(WordPressPost.post_name == name).limit(MAX_NAMES)
    ).all()
    for row in rows:
        if row.kind in kinds and _same_day(when, row.local_date):
            target = legacy_urls.target_url(_target_type(row), row.target_id)
            if target:
                return target
    imported = any(row.kind == "article" for row in rows)  # its own date was checked above
    if "article" in kinds and not imported and (target := _native_article(name, when)):
        return target
    if "page" in kinds and not when:
        page = db.session.scalar(select(Page).where(Page.slug == name))
        return legacy_urls.target_url("page", page.id) if page else None
    return None


def _native_article(slug: str, when: tuple[int, ...]) -> str | None:
    """A story of ours at ``slug`` (or moved from it), its site-local publication day checked."""
    query = select(Article).where(Article.slug == slug, Article.live())
    article = db.session.scalar(query)
    if article is None:
        moved = select(Article).join(SlugRedirect, SlugRedirect.article_id == Article.id)
        article = db.session.scalar(moved.where(SlugRedirect.old_slug == slug, Article.live()))
    if article is None or article.published_at is None:
        return None
    if not _same_day(when, site_time(article.published_at).date()):
        return None
    return url_for("blog.article", slug=article.slug)


def _same_day(when: tuple[int, ...], day: date | None) -> bool:
    """Whether the year/month/day of an address agree with ``day`` (unknown: they do)."""
    if not when or day is None:
        return True
    return when == (day.year, day.month, day.day)[: len(when)]
