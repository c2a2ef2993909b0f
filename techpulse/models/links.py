"""Which stories a body links to with ``[text](article:ID)``, so a link follows its target.

Kept at each save of the linking article or page; when a target's address or visibility
changes (or it is deleted), the bodies linking to it are rendered again
(``services/editorial/story_links.py``), so a public page never shows a dead link.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Table

from techpulse.extensions import db


def _links_table(name: str, owner: str, owner_table: str) -> Table:
    """(owner id, target story id) pairs; both sides go with their row (ON DELETE CASCADE)."""
    return Table(
        name,
        db.metadata,
        Column(owner, ForeignKey(f"{owner_table}.id", ondelete="CASCADE"), primary_key=True),
        Column(
            "target_id", ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True, index=True
        ),
    )


article_links = _links_table("article_links", "article_id", "articles")
page_links = _links_table("page_links", "page_id", "pages")
