"""The sitemap: every public URL with its last change, split into files past a size limit.

A split sitemap puts the site's own pages (home, pages, contact, archives) in the first
file(s) and the stories, oldest first, in the files after them. Deciding how many files
there are takes two small counts (the stored story total and the archives with a live
story), so the index costs the same at 100 stories as at 100,000; only a numbered file
reads the rows it lists.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from flask import url_for
from sqlalchemy import ColumnElement, Select, and_, func, select

from techpulse.clock import utcnow
from techpulse.extensions import db
from techpulse.models import Article, Category, Image, Page, Tag, User, article_tags
from techpulse.services import listing_counts
from techpulse.services.pages import public_pages
from techpulse.services.structured_data import image_urls
from techpulse.web.urls import absolute_url, path_for


@dataclass(frozen=True)
class SitemapUrl:
    """One <url>: its address, when it last changed and the images on it."""

    loc: str
    lastmod: datetime | None = None
    images: list[str] = field(default_factory=list)


def _newest(published: datetime | None, updated: datetime | None) -> datetime | None:
    return max((when for when in (published, updated) if when is not None), default=None)


def _archive_urls(query: Select[tuple[str, datetime, datetime]], endpoint: str) -> list[SitemapUrl]:
    """One URL per row of (slug, newest published_at, newest updated_at)."""
    return [
        SitemapUrl(absolute_url(url_for(endpoint, slug=slug)), _newest(published, updated))
        for slug, published, updated in db.session.execute(query)
    ]


def _tag_is_live(now: datetime) -> ColumnElement[bool]:
    """A tag with at least one live story (an index probe per tag, never a scan)."""
    return (
        select(article_tags.c.article_id)
        .join(Article, Article.id == article_tags.c.article_id)
        .where(article_tags.c.tag_id == Tag.id, Article.live(now))
        .exists()
    )


def _site_urls() -> list[SitemapUrl]:
    """Home, published pages, contact, every category, and each tag and author with stories."""
    now = utcnow()
    newest = (func.max(Article.published_at), func.max(Article.updated_at))
    live = db.session.execute(select(*newest).where(Article.live(now))).one()
    urls = [SitemapUrl(absolute_url(url_for("blog.home")), _newest(*live))]
    for slug, updated in public_pages():  # drafts are left out
        is_about = slug == "about"
        path = url_for("company.about") if is_about else url_for("company.page", slug=slug)
        urls.append(SitemapUrl(absolute_url(path), updated))
    urls.append(SitemapUrl(absolute_url(url_for("contact.form"))))
    categories = (
        select(Category.slug, *newest)
        .outerjoin(Article, and_(Article.category_id == Category.id, Article.live(now)))
        .group_by(Category.id, Category.slug, Category.position)
        .order_by(Category.position, Category.id)
    )
    tags = (
        select(Tag.slug, *newest)
        .join(article_tags, article_tags.c.tag_id == Tag.id)
        .join(Article, Article.id == article_tags.c.article_id)
        .where(Article.live(now))
        .group_by(Tag.id, Tag.slug)
        .order_by(Tag.id)
    )
    authors = (
        select(User.slug, *newest)
        .join(Article, Article.author_id == User.id)
        .where(Article.live(now))
        .group_by(User.id, User.slug)
        .order_by(User.id)
    )
    urls += _archive_urls(categories, "blog.category")
    urls += _archive_urls(tags, "blog.tag")
    urls += _archive_urls(authors, "blog.author")
    return urls


def _site_url_count() -> int:
    """How many URLs :func:`_site_urls` lists, without reading the stories behind them."""
    now = utcnow()
    author_is_live = select(Article.id).where(Article.author_id == User.id, Article.live(now))
    counts = (
        select(func.count()).select_from(Page).where(Page.published.is_(True)).scalar_subquery(),
        select(func.count()).select_from(Category).scalar_subquery(),
        select(func.count()).select_from(Tag).where(_tag_is_live(now)).scalar_subquery(),
        select(func.count()).select_from(User).where(author_is_live.exists()).scalar_subquery(),
    )
    return 2 + sum(db.session.execute(select(*counts)).one())  # 2: home and contact


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
    columns = (Article.slug, Article.published_at, Article.updated_at, Article.banner_id)
    # A story marked noindex, or whose canonical address is elsewhere, is left out (its
    # place in the file stays empty: the files' split is worked out from counts alone).
    query = select(*columns).where(
        Article.id.in_(ids), Article.noindex.is_(False), Article.canonical_url == ""
    )
    rows = db.session.execute(query.order_by(Article.published_at, Article.id)).all()
    banner_ids = {row.banner_id for row in rows if row.banner_id is not None}
    banners = select(Image).where(Image.id.in_(banner_ids))
    images = {image.id: image_urls(image) for image in db.session.scalars(banners)}
    return [
        SitemapUrl(
            absolute_url(path_for("blog.article", slug=row.slug)),
            _newest(row.published_at, row.updated_at),
            images.get(row.banner_id, []),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class Sitemap:
    """What /sitemap.xml answers: all URLs in one file, or an index of ``files`` files."""

    files: int
    urls: list[SitemapUrl] = field(default_factory=list)


def _layout(limit: int) -> tuple[int, int, int]:
    """(site URLs, live stories, files): the split worked out from two small counts."""
    site, stories = _site_url_count(), listing_counts.live_total("all")
    if site + stories <= limit:
        return site, stories, 1
    return site, stories, math.ceil(site / limit) + math.ceil(stories / limit)


def sitemap(limit: int) -> Sitemap:
    """The whole sitemap when it fits in ``limit`` URLs, else the number of files it needs."""
    _, _, files = _layout(limit)
    if files == 1:
        return Sitemap(files=1, urls=_site_urls() + _article_urls(0, limit))
    return Sitemap(files=files)


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
