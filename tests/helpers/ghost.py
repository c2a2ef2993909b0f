"""A Ghost 5 export as its exporter writes it (Settings → Labs → Export), and its images folder.

The shape follows Ghost's own exporter: ``{"db": [{"meta": {...}, "data": {table: rows}}]}``
(the admin API wraps the exporter's ``{"meta", "data"}`` in ``db``), one list of rows per
allow-listed table, every column of each row (as the exporter selects them), ids as 24 hex
digits, timestamps as ISO strings in UTC, ``__GHOST_URL__`` in front of the site's own
links and images, Lexical bodies with the rendered ``html`` next to them (older posts:
mobiledoc, sometimes without ``html``).
"""

from __future__ import annotations

import io
import json
from itertools import count
from pathlib import Path
from typing import Any

from PIL import Image as PILImage

GHOST_VERSION = "5.96.0"
_ids = count(1)


def ghost_id() -> str:
    """A Ghost ObjectId: 24 hex digits."""
    return f"65a1b2c3d4e5f6{next(_ids):010x}"


def lexical(*children: dict[str, Any]) -> str:
    """A Lexical document (as the string Ghost stores) with these top-level nodes."""
    root = {"children": list(children), "direction": "ltr", "format": "", "indent": 0,
            "type": "root", "version": 1}  # fmt: skip
    return json.dumps({"root": root})


def text(value: str, format: int = 0) -> dict[str, Any]:
    return {"detail": 0, "format": format, "mode": "normal", "style": "", "text": value,
            "type": "extended-text", "version": 1}  # fmt: skip


def node(kind: str, *children: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"children": list(children), "direction": "ltr", "format": "", "indent": 0,
            "type": kind, "version": 1, **fields}  # fmt: skip


def card(kind: str, **fields: Any) -> dict[str, Any]:
    return {"type": kind, "version": 1, **fields}


def user(name: str, slug: str, email: str) -> dict[str, Any]:
    return {
        "id": ghost_id(), "name": name, "slug": slug, "email": email, "profile_image": None,
        "cover_image": None, "bio": None, "website": None, "location": None, "facebook": None,
        "twitter": None, "accessibility": None, "status": "active", "locale": None,
        "visibility": "public", "meta_title": None, "meta_description": None, "tour": None,
        "last_seen": "2024-06-01T08:00:00.000Z", "comment_notifications": 1,
        "free_member_signup_notification": 1, "paid_subscription_started_notification": 1,
        "paid_subscription_canceled_notification": 0, "mention_notifications": 1,
        "recommendation_notifications": 1, "milestone_notifications": 1,
        "donation_notifications": 1, "created_at": "2023-01-01T00:00:00.000Z",
        "updated_at": "2024-06-01T08:00:00.000Z",
    }  # fmt: skip


def tag(name: str, slug: str, description: str | None = None) -> dict[str, Any]:
    return {
        "id": ghost_id(), "name": name, "slug": slug, "description": description,
        "feature_image": None, "parent_id": None,
        "visibility": "internal" if name.startswith("#") else "public",
        "og_image": None, "og_title": None, "og_description": None, "twitter_image": None,
        "twitter_title": None, "twitter_description": None, "meta_title": None,
        "meta_description": None, "codeinjection_head": None, "codeinjection_foot": None,
        "canonical_url": None, "accent_color": None,
        "created_at": "2023-01-01T00:00:00.000Z", "updated_at": "2023-01-01T00:00:00.000Z",
    }  # fmt: skip


def post(title: str, slug: str, **fields: Any) -> dict[str, Any]:
    """One row of ``posts`` (a post unless ``type="page"``), published unless told."""
    row = {
        "id": ghost_id(), "uuid": "3e2b1a90-0000-4000-8000-" + f"{next(_ids):012d}",
        "title": title, "slug": slug, "mobiledoc": None, "lexical": None, "html": None,
        "comment_id": None, "plaintext": None, "feature_image": None, "featured": 0,
        "type": "post", "status": "published", "locale": None, "visibility": "public",
        "email_recipient_filter": "all", "created_at": "2024-05-01T04:00:00.000Z",
        "updated_at": "2024-05-02T09:15:00.000Z", "published_at": "2024-05-01T04:30:00.000Z",
        "custom_excerpt": None, "codeinjection_head": None, "codeinjection_foot": None,
        "custom_template": None, "canonical_url": None, "newsletter_id": None,
        "show_title_and_feature_image": 1,
    }  # fmt: skip
    row["comment_id"] = row["id"]
    row.update(fields)
    return row


def export_document(
    posts: list[dict[str, Any]],
    tags: list[dict[str, Any]],
    users: list[dict[str, Any]],
    post_tags: dict[str, list[dict[str, Any]]],
    post_authors: dict[str, list[dict[str, Any]]],
    meta: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The export's whole document, relations as Ghost writes them (with sort_order)."""
    posts_tags = [
        {"id": ghost_id(), "post_id": post_id, "tag_id": found["id"], "sort_order": order}
        for post_id, found_tags in post_tags.items()
        for order, found in enumerate(found_tags)
    ]
    posts_authors = [
        {"id": ghost_id(), "post_id": post_id, "author_id": found["id"], "sort_order": order}
        for post_id, found_users in post_authors.items()
        for order, found in enumerate(found_users)
    ]
    data = {  # the exporter's allow-listed tables, in its order
        "posts": posts, "posts_authors": posts_authors, "posts_meta": meta or [],
        "posts_tags": posts_tags, "roles": [], "roles_users": [], "settings": [],
        "custom_theme_settings": [], "tags": tags, "users": users, "products": [],
        "stripe_products": [], "stripe_prices": [], "posts_products": [], "newsletters": [],
        "benefits": [], "products_benefits": [], "offers": [], "offer_redemptions": [],
        "snippets": [],
    }  # fmt: skip
    meta_row = {"exported_on": 1717228800000, "version": GHOST_VERSION}
    return {"db": [{"meta": meta_row, "data": data}]}


def write_ghost_export(path: Path, document: dict[str, Any]) -> Path:
    """Write the export as Ghost does: one JSON file."""
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def make_images(folder: Path, *paths: str) -> Path:
    """A copy of content/images holding a picture at each path (e.g. "2024/05/cover.jpg")."""
    root = folder / "content" / "images"
    for number, relative in enumerate(paths):
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        buffer = io.BytesIO()
        PILImage.new("RGB", (1200, 800), (40 + number * 30, 120, 200)).save(buffer, "JPEG")
        target.write_bytes(buffer.getvalue())
    return root
