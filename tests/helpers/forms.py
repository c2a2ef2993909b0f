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
