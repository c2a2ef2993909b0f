"""Complete forms as the staff pages post them."""

from __future__ import annotations

from typing import Any

from techpulse.models import Category


def article_form(category: Category, **fields: Any) -> dict[str, Any]:
    """A complete article form; ``fields`` override or add (e.g. a button name)."""
    data = {
        "title": "Chips get faster",
        "slug": "",
        "excerpt": "",
        "body": "A **new** chip is out.",
        "category": str(category.id),
        "tags": "Hardware, Chips",
        "banner_id": "0",
        "banner_alt": "",
        "seo_title": "",
        "seo_description": "",
        "publish_at": "",
    }
    return {**data, **fields}


def oversize_upload(token: str, field: str, megabytes: int) -> tuple[bytes, str]:
    """A multipart body (bytes, content type) holding one file of ``megabytes`` MB in
    ``field``, built in memory: the app refuses it unread, so no temporary file is left."""
    boundary = "upload-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="huge.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n"
    ).encode()
    body = head + b"\0" * (megabytes << 20) + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"
