"""The sitemap: every public URL with its last change, split into files past a size limit.

A split sitemap puts the site's own pages (home, pages, contact, archives) in the first
file(s) and the stories, oldest first, in the files after them. Deciding how many files
there are takes two small counts (the stored story total and the archives with a live
story), so the index costs the same at 100 stories as at 100,000; only a numbered file
reads the rows it lists.
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
from sqlalchemy import Select, String, case, cast, func, literal_column, or_, select

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


def _article_urls(offset: int, limit: int) -> list[SitemapUrl]:
    """Live articles, oldest first (so earlier sitemap files rarely change), with banners."""
    # The ids are read from the live index alone; only the rows listed are loaded, as plain
    # rows, and each banner once however many stories share it.
    ids = (
        select(Article.id)
        .where(Article.live(utcnow()))
        .order_by(Article.published_at, Article.id)
        .offset(offset)
        .limit(limit)
    )
    changed = case(
        (Article.updated_at > Article.published_at, Article.updated_at),
        else_=Article.published_at,
    )
    columns = (Article.slug, changed.label("lastmod"), Article.banner_id)
    # A story marked noindex, or whose canonical address is elsewhere, is left out (its
    # place in the file stays empty: the files' split is worked out from counts alone).
    query = select(*columns).where(
        Article.id.in_(ids), Article.noindex.is_(False), Article.canonical_url == ""
    )
    rows = db.session.execute(query.order_by(Article.published_at, Article.id)).all()
    banner_ids = {row.banner_id for row in rows if row.banner_id is not None}
    banners = select(Image).where(Image.id.in_(banner_ids))
    images = {image.id: image_urls(image) for image in db.session.scalars(banners)}
    # One url_for for the file: each story's address is the same with its slug, encoded as
    # url_for encodes it (thousands of url_for calls were a third of the file's cost).
    prefix = external_url("blog.article", slug="x").removesuffix("x")
    encode = SlugConverter(current_app.url_map).to_url
    plain = _PLAIN_SLUG.fullmatch
    return [
        SitemapUrl(
            prefix + (row.slug if plain(row.slug) else encode(row.slug)),
            row.lastmod,
            images.get(row.banner_id, []),
        )
        for row in rows
    ]


_PLAIN_SLUG = re.compile(r"[a-z0-9-]+")  # nothing in it for url_for to percent-encode


def urlset_xml(urls: list[SitemapUrl]) -> str:
    """A sitemap file (``<urlset>``), written directly: a file lists up to 2,000 stories."""
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/'
        'sitemap/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">\n'
    ]
    images: dict[tuple[str, ...], str] = {}
    for url in urls:
        out.append(f"  <url>\n    <loc>{escape(url.loc)}</loc>\n")
        if url.lastmod:
            out.append(f"    <lastmod>{url.lastmod.isoformat(timespec='seconds')}</lastmod>\n")
        if url.images:
            key = tuple(url.images)
            if key not in images:  # stories sharing a banner share these lines
                images[key] = "".join(
                    f"    <image:image><image:loc>{escape(image)}</image:loc></image:image>\n"
                    for image in key
                )
            out.append(images[key])
        out.append("  </url>\n")
    out.append("</urlset>")
    return "".join(out)


@dataclass(frozen=True)
class Sitemap:
    """What /sitemap.xml answers: all URLs in one file, or an index of ``files`` files."""

    files: int
    urls: list[SitemapUrl] = field(default_factory=list)


def _layout(limit: int) -> tuple[int, int, int]:
    """(site URLs, live stories, files): the split worked out from two small counts, once
    per page-cache generation in each worker (every file of the sitemap needs it)."""
    return shared(("sitemap-layout", limit), partial(_count_layout, limit))


def _count_layout(limit: int) -> tuple[int, int, int]:
    site, stories = _site_url_count(), listing_counts.live_total("all")
    if site + stories <= limit:
        return site, stories, 1
    return site, stories, math.ceil(site / limit) + math.ceil(stories / limit)


def sitemap(limit: int) -> Sitemap:
    """The whole sitemap when it fits in ``limit`` URLs, else the number of files it needs."""
    stories = listing_counts.live_total("all")
    if stories >= limit:  # split whatever the site's own pages: no need to list them
        return Sitemap(files=_layout(limit)[2])
    site = _site_urls()
    if len(site) + stories <= limit:
        return Sitemap(files=1, urls=site + _article_urls(0, limit))
    return Sitemap(files=math.ceil(len(site) / limit) + math.ceil(stories / limit))


def sitemap_file(number: int, limit: int) -> list[SitemapUrl] | None:
    """The URLs of file ``number`` (from 1) of a split sitemap; None past the last one.

    The site's own pages fill the first file(s); each later file lists ``limit`` stories.
    """
    site, _, files = _layout(limit)
    if files == 1 or not 1 <= number <= files:
        return None
    site_files = math.ceil(site / limit)
    if number <= site_files:
        return _site_urls()[(number - 1) * limit : number * limit]
    return _article_urls((number - site_files - 1) * limit, limit)
