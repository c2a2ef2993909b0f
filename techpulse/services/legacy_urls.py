"""Addresses of a previous site (e.g. WordPress permalinks) answered with one 301."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import unquote

from flask import url_for

from techpulse.extensions import db
from techpulse.models import Article, Category, LegacyRedirect, Page, Tag, User
from techpulse.services.wordpress import uploads

MAX_PATH = 500
QUERY_KEYS = ("p", "page_id", "attachment_id")


def path_key(path: str) -> str:
    """How an old path is stored and looked up: decoded, without its trailing slash."""
    path = unquote(path or "/")
    return (path.rstrip("/") or "/")[:MAX_PATH]


def query_key(name: str, post_id: int) -> str:
    """The key of a query address such as ``/?p=42``."""
    return f"?{name}={post_id}"


def remember(key: str, target_type: str, target_id: int | None = None, url: str = "") -> None:
    """Record (or re-point) an old address; added to the session, not committed."""
    row = db.session.get(LegacyRedirect, key)
    if row is None:
        row = LegacyRedirect(path=key)
        db.session.add(row)
    if (row.target_type, row.target_id, row.target_url) != (target_type, target_id, url):
        row.target_type, row.target_id, row.target_url = target_type, target_id, url


def target_for_path(path: str) -> str | None:
    """Where an old path now lives, or None (then it stays a 404)."""
    return _resolve(db.session.get(LegacyRedirect, path_key(path)))


def target_for_query(args: Mapping[str, str]) -> str | None:
    """Where ``/?p=ID`` or ``/?page_id=ID`` now lives; None without such a query (no SQL)."""
    for name in QUERY_KEYS:
        value = args.get(name, "")
        if value and value.isdigit() and len(value) < 10:
            return _resolve(db.session.get(LegacyRedirect, query_key(name, int(value))))
    return None


def _resolve(row: LegacyRedirect | None) -> str | None:
    if row is None:
        return None
    if row.target_type == "url":
        return row.target_url or None
    return target_url(row.target_type, row.target_id)


def target_url(target_type: str, target_id: int | None) -> str | None:
    """Our address of one target row ("article", "page", "image"…), or None if not public."""
    if target_type in ("image", "attachment") and target_id:
        return uploads.image_target(target_id, story=target_type == "attachment")
    model = _MODELS.get(target_type)
    found = db.session.get(model, target_id) if model and target_id else None
    if found is None:
        return None
    if isinstance(found, Article):
        return url_for("blog.article", slug=found.slug) if found.is_live() else None
    if isinstance(found, Page):
        if not found.published or found.trashed_at is not None:  # like an unpublished article
            return None
        if found.slug == "about":
            return url_for("company.about")
        return url_for("company.page", slug=found.slug)
    endpoint = {Category: "blog.category", Tag: "blog.tag", User: "blog.author"}[type(found)]
    return url_for(endpoint, slug=found.slug)


_MODELS: dict[str, type] = {
    "article": Article,
    "page": Page,
    "category": Category,
    "tag": Tag,
    "author": User,
}
