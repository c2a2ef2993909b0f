"""What the importer records so that every old address of the site keeps answering.

Kept apart from the content conversion: each function is called once per item (or author)
and only writes ``wordpress_posts`` and ``legacy_redirects`` rows, in the item's transaction.
The resolver (``permalinks.py``) reads them.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from urllib.parse import unquote, urlsplit

from sqlalchemy import select

from techpulse.extensions import db
from techpulse.models import Article, Image, Page, WordPressPost
from techpulse.services import legacy_urls
from techpulse.services.wordpress.images import Attachments
from techpulse.services.wordpress.uploads import upload_key
from techpulse.services.wordpress.wxr import Item


def post_name(raw: str) -> str:
    """A WordPress slug as a visitor's decoded address shows it (lower case)."""
    return unquote(raw or "").strip().lower()[:200]


def remember_item(item: Item, attachments: Attachments) -> None:
    """After an item is imported (or found unchanged): record what its addresses were built from."""
    if item.post_type == "attachment":
        image = db.session.scalar(select(Image).where(Image.wordpress_id == item.post_id))
        attachment = attachments.by_id.get(item.post_id)
        if image is not None and attachment is not None:
            db.session.flush()  # a new image needs its id
            remember_attachment(item, attachment.file, image)
        return
    model, kind = (Article, "article") if item.post_type == "post" else (Page, "page")
    if item.post_type in ("post", "page"):
        found = db.session.scalar(select(model.id).where(model.wordpress_id == item.post_id))
        if found is not None:
            remember_post(item, kind, found)


def local_date(post_date: str) -> date | None:
    """The day of a site-local "YYYY-MM-DD HH:MM:SS" (None for WordPress's zero date)."""
    try:
        return datetime.strptime(post_date.strip()[:10], "%Y-%m-%d").date()
    except ValueError:
        return None


def remember_post(item: Item, kind: str, target_id: int) -> None:
    """Record the slug, id and site-local date WordPress built this item's addresses from."""
    row = db.session.get(WordPressPost, item.post_id)
    if row is None:
        row = WordPressPost(post_id=item.post_id)
        db.session.add(row)
    values = (kind, target_id, post_name(item.post_name), local_date(item.post_date))
    if (row.kind, row.target_id, row.post_name, row.local_date) != values:
        row.kind, row.target_id, row.post_name, row.local_date = values


def remember_attachment(item: Item, file: str, image: Image) -> None:
    """An attachment: its uploads file (all sub-sizes) → the image; its page → the story."""
    if file:
        legacy_urls.remember(upload_key(file), "image", image.id)
    remember_post(item, "image", image.id)
    path = urlsplit(item.link).path
    if path not in ("", "/") and "/wp-content/" not in path and not urlsplit(item.link).query:
        legacy_urls.remember(legacy_urls.path_key(path), "attachment", image.id)
    key = legacy_urls.query_key("attachment_id", item.post_id)
    legacy_urls.remember(key, "attachment", image.id)


def nicename(login: str) -> str:
    """The ``user_nicename`` WordPress derives from a login (its sanitize_title): "a.b" → "a-b"."""
    name = login.strip().lower().replace(".", "-")
    name = re.sub(r"[^a-z0-9 _-]", "", name)
    return re.sub(r"-+", "-", re.sub(r"\s+", "-", name)).strip("-")


def remember_author(login: str, user_id: int) -> None:
    """``/author/<nicename>/`` (the address WordPress serves) → the author's page."""
    name = nicename(login)
    if name:
        legacy_urls.remember(legacy_urls.path_key(f"/author/{name}/"), "author", user_id)
