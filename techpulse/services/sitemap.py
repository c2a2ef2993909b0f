"""The sitemap: every public URL with its last change, split into files past a size limit.

A split sitemap puts the site's own pages (home, pages, contact, archives) in the first
file(s), then one file per ``limit`` consecutive story ids, each listing the live stories
among them. Deciding how many files there are takes two small counts (the stored story
total and the archives with a live story) and the two live ends of the primary key, so the
index costs the same at 100 stories as at 1,000,000; a numbered file reads only its own
range of the key, so the last file costs what the first does.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from flask import current_app, url_for
from markupsafe import escape
from sqlalchemy import (
    DateTime,
    Select,
    String,
    cast,
    func,
    literal_column,
    or_,
    select,
    type_coerce,
)

from techpulse.clock import utcnow
from techpulse.extensions import db
from techpulse.models import (
    Article,
    ArticleCoauthor,
    Category,
    Image,
    ListingCount,
    Page,
    Status,
    Tag,
    User,
    article_tags,
)
from techpulse.services import listing_counts
from techpulse.services.listing_counts import counted, newest_change, scope_filter
from techpulse.services.pages import public_pages
from techpulse.services.structured_data import image_urls
from techpulse.serving.fragments import shared
from techpulse.slugs import SlugConverter
from techpulse.web.urls import absolute_url, external_url


@dataclass(frozen=True)
class SitemapUrl:
    """One <url>: its address, when it last changed and the images on it."""

    loc: str
    lastmod: datetime | None = None
    images: list[str] = field(default_factory=list)


def _newest(published: datetime | None, updated: datetime | None) -> datetime | None:
    return max((when for when in (published, updated) if when is not None), default=None)


def _newest_in(scope: str, due: dict[str, datetime]) -> datetime | None:
    """``scope``'s newest live change: stored by every save, else (never counted, e.g. rows
    written outside the app) worked out from its stories; ``due`` adds the stories whose
    time has come but whose going live is not recorded yet."""
    stored = db.session.execute(
        select(ListingCount.newest_at).where(ListingCount.scope == scope)
    ).first()
    if stored is None:
        exact = select(newest_change(utcnow())).where(counted(), scope_filter(scope))
        return db.session.scalar(exact)
    return _newest(stored[0], due.get(scope))


def _due_unrecorded() -> dict[str, datetime]:
    """Scope → newest change among the scheduled stories live by the clock whose going live
    is not recorded yet (services/editorial/going_live.py records it at the next read):
    a few rows at most, from the index on (status, published_at)."""
    due = select(Article.id, Article.published_at, Article.updated_at).where(
        Article.status == Status.SCHEDULED.value, Article.published_at <= utcnow()
    )
    found: dict[str, datetime] = {}
    for ident, published, updated in db.session.execute(due):
        when = _newest(published, updated)
        for scope in listing_counts.scopes_of(db.session, ident):
            if when is not None and (scope not in found or when > found[scope]):
                found[scope] = when
    return found


Archive = type[Category] | type[Tag] | type[User]


def _in_archive(kind: str, model: Archive) -> list[Select[Any]]:
    """Statements over the stories of each ``kind`` archive (one per way a story belongs to
    it), each correlated with the archive's row one level up."""
    stories = select().select_from(Article)
    if kind == "category":
        return [stories.where(Article.category_id == model.id)]
    if kind == "tag":
        tagged = stories.join(article_tags, article_tags.c.article_id == Article.id)
        return [tagged.where(article_tags.c.tag_id == model.id)]
    cowritten = stories.join(ArticleCoauthor, ArticleCoauthor.article_id == Article.id)
    return [stories.where(Article.author_id == model.id),
            cowritten.where(ArticleCoauthor.user_id == model.id)]  # fmt: skip


def _uncounted(kind: str, model: Archive, ids: list[int], dates: bool) -> dict[int, Any]:
    """Archives ``ids`` that have no listing count (never counted: rows written outside the
    app, or no story ever), in one statement: their newest live change, or without
    ``dates`` only whether they have a live story (True)."""
    if not ids:
        return {}
    now = utcnow()
    arms = _in_archive(kind, model)
    if dates:
        newest = [arm.add_columns(newest_change(now)).where(counted()) for arm in arms]
        columns = [arm.scalar_subquery() for arm in newest]
        rows = db.session.execute(select(model.id, *columns).where(model.id.in_(ids)))
        found = {row[0]: _newest(*row[1:]) if len(row) > 2 else row[1] for row in rows}
        return {ident: when for ident, when in found.items() if when is not None}
    live = or_(*(arm.add_columns(Article.id).where(Article.live(now)).exists() for arm in arms))
    return dict.fromkeys(db.session.scalars(select(model.id).where(model.id.in_(ids), live)), True)


def _archives(
    kind: str, model: Archive, due: dict[str, datetime], *, dates: bool = True
) -> list[tuple[str, Any]]:
    """(slug, newest live change) of each ``kind`` archive, from the listing counts (a few
    hundred small rows however many stories there are). Tags and authors without a live
    story are left out; every category is listed. Without ``dates`` an archive never
    counted is only checked for a live story (its date may be left out)."""
    scope = literal_column(f"'{kind}:'").concat(cast(model.id, String))
    query = select(model.id, model.slug, ListingCount.scope, ListingCount.newest_at)
    query = query.outerjoin(ListingCount, ListingCount.scope == scope)
    order = (Category.position, Category.id) if kind == "category" else (model.id,)
    rows = db.session.execute(query.order_by(*order)).all()
    uncounted = _uncounted(kind, model, [row[0] for row in rows if row[2] is None], dates)
    found = []
    for ident, slug, stored, newest in rows:
        if stored is None:
            newest = uncounted.get(ident)
        if newest is not True:
            newest = _newest(newest, due.get(f"{kind}:{ident}"))
        if newest is not None or kind == "category":
            found.append((slug, newest))
    return found


ARCHIVES = (
    ("category", Category, "blog.category"),
    ("tag", Tag, "blog.tag"),
    ("author", User, "blog.author"),
)


def _site_urls() -> list[SitemapUrl]:
    """Home, published pages, contact, every category, and each tag and author with stories.

    Each archive's lastmod is its newest live change, kept in the listing counts by every
    save, so this costs the same at 100 stories as at 1,000,000.
    """
    due = _due_unrecorded()
    urls = [SitemapUrl(absolute_url(url_for("blog.home")), _newest_in("all", due))]
    for slug, updated in public_pages():  # drafts are left out
        is_about = slug == "about"
        path = url_for("company.about") if is_about else url_for("company.page", slug=slug)
        urls.append(SitemapUrl(absolute_url(path), updated))
    urls.append(SitemapUrl(absolute_url(url_for("contact.form"))))
    for kind, model, endpoint in ARCHIVES:
        urls += [
            SitemapUrl(absolute_url(url_for(endpoint, slug=slug)), when)
            for slug, when in _archives(kind, model, due)
        ]
    return urls


def _site_url_count() -> int:
    """How many URLs :func:`_site_urls` lists, without reading the stories behind them."""
    pages = db.session.scalar(
        select(func.count()).select_from(Page).where(Page.published.is_(True))
    )
    due = _due_unrecorded()
    archives = sum(len(_archives(kind, model, due, dates=False)) for kind, model, _ in ARCHIVES)
    return 2 + (pages or 0) + archives  # 2: home and contact


def _story_entries(first: int | None = None, end: int | None = None) -> list[str]:
    """The ``<url>`` entries of the live stories with ids in [``first``, ``end``) (all of
    them without a range), oldest id first, each written once as text.

    The range is read from the primary key alone and the few columns listed, as plain rows
    (no ORM objects); whether each row is live and indexable is decided here rather than in
    SQL, so no database is tempted away from the key by the (status, published_at) index.
    A story marked noindex, or whose canonical address is elsewhere, is left out.
    """
    # Naive UTC as stored (no time zone attached to each value), on a Core connection.
    published, updated = (
        type_coerce(when, DateTime()) for when in (Article.published_at, Article.updated_at)
    )
    columns = (
        Article.slug, Article.status, published, updated,
        Article.banner_id, Article.noindex, Article.canonical_url,
    )  # fmt: skip
    query = select(*columns).order_by(Article.id)
    if first is not None and end is not None:
        query = query.where(Article.id >= first, Article.id < end)
    now, live = utcnow().replace(tzinfo=None), listing_counts.COUNTED
    rows = [
        row
        for row in db.session.connection().execute(query).all()
        if row[1] in live and row[2] is not None and row[2] <= now and not row[5] and not row[6]
    ]
    banner_ids = {row[4] for row in rows if row[4] is not None}
    banners = (
        db.session.scalars(select(Image).where(Image.id.in_(banner_ids))) if banner_ids else ()
    )
    images = {image.id: _images_xml(image_urls(image)) for image in banners}
    # One url_for for the file: each story's address is the same with its slug, encoded as
    # url_for encodes it (thousands of url_for calls were a third of the file's cost).
    prefix = str(escape(external_url("blog.article", slug="x").removesuffix("x")))
    encode = SlugConverter(current_app.url_map).to_url
    plain = _PLAIN_SLUG.fullmatch
    return [
        f"  <url>\n    <loc>{prefix}{slug if plain(slug) else escape(encode(slug))}</loc>\n"
        f"    <lastmod>{max(published, updated).isoformat(timespec='seconds')}+00:00</lastmod>\n"
        f"{images.get(banner, '')}  </url>\n"
        for slug, _, published, updated, banner, _, _ in rows
    ]


_PLAIN_SLUG = re.compile(r"[a-z0-9-]+")  # nothing in it for url_for to percent-encode
_URLSET = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/'
    'sitemap/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">\n'
)


def _images_xml(images: list[str]) -> str:
    return "".join(
        f"    <image:image><image:loc>{escape(image)}</image:loc></image:image>\n"
        for image in images
    )


def urlset_xml(urls: list[SitemapUrl], stories: list[str] | None = None) -> str:
    """A sitemap file (``<urlset>``) of ``urls`` then the ready ``stories`` entries."""
    out = [_URLSET]
    for url in urls:
        out.append(f"  <url>\n    <loc>{escape(url.loc)}</loc>\n")
        if url.lastmod:
            out.append(f"    <lastmod>{url.lastmod.isoformat(timespec='seconds')}</lastmod>\n")
        out.append(_images_xml(url.images))
        out.append("  </url>\n")
    out += stories or ()
    out.append("</urlset>")
    return "".join(out)


@dataclass(frozen=True)
class Sitemap:
    """What /sitemap.xml answers: all URLs in one file, or an index of ``files`` files."""

    files: int
    urls: list[SitemapUrl] = field(default_factory=list)
    stories: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Layout:
    """How a split sitemap is cut: ``site_files`` files of the site's own pages, then one
    file per ``limit`` story ids from ``first_id`` (a multiple of ``limit``, plus one)."""

    site_files: int
    first_id: int
    files: int


def _layout(limit: int) -> _Layout:
    """The split, worked out from two small counts and the two ends of the primary key,
    once per page-cache generation in each worker (every file of the sitemap needs it)."""
    return shared(("sitemap-layout", limit), partial(_count_layout, limit))


def _count_layout(limit: int) -> _Layout:
    site, stories = _site_url_count(), listing_counts.live_total("all")
    if site + stories <= limit:
        return _Layout(0, 0, 1)
    site_files = math.ceil(site / limit)
    oldest, newest = _live_end(newest=False), _live_end(newest=True)
    if oldest is None or newest is None:
        return _Layout(site_files, 0, site_files)
    # Ranges aligned on multiples of ``limit``: a story stays in the same file for good, so
    # a file changes only when one of its own stories does (not when any older one goes).
    first = (oldest - 1) // limit * limit + 1
    return _Layout(site_files, first, site_files + (newest - first) // limit + 1)


def _live_end(*, newest: bool) -> int | None:
    """The id of the oldest (or newest) live story: the rows at that end of the primary key
    are checked here (a few drafts at most stand before it); the filtered query only runs
    when none of them is live."""
    order = Article.id.desc() if newest else Article.id.asc()
    now = utcnow()
    ends = select(Article.id, Article.status, Article.published_at).order_by(order).limit(64)
    for ident, status, published in db.session.execute(ends):
        if status in listing_counts.COUNTED and published is not None and published <= now:
            return int(ident)
    live = select(Article.id).where(Article.live(now)).order_by(order).limit(1)
    return db.session.scalar(live)


def sitemap(limit: int) -> Sitemap:
    """The whole sitemap when it fits in ``limit`` URLs, else the number of files it needs."""
    stories = listing_counts.live_total("all")
    if stories < limit:  # the same decision as _count_layout's, without a second count
        site = _site_urls()
        if len(site) + stories <= limit:
            return Sitemap(files=1, urls=site, stories=_story_entries())
    return Sitemap(files=_layout(limit).files)


def sitemap_file(number: int, limit: int) -> str | None:
    """File ``number`` (from 1) of a split sitemap, as XML; None past the last one.

    The site's own pages fill the first file(s); each later file lists the live stories of
    ``limit`` consecutive ids (at most ``limit`` stories, a few fewer where drafts sit).
    """
    layout = _layout(limit)
    if layout.files == 1 or not 1 <= number <= layout.files:
        return None
    if number <= layout.site_files:
        return urlset_xml(_site_urls()[(number - 1) * limit : number * limit])
    first = layout.first_id + (number - layout.site_files - 1) * limit
    return urlset_xml([], _story_entries(first, first + limit))
