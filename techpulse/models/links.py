"""Which stories a body links to with ``[text](article:ID)``, so a link follows its target.

Kept at each save of the linking article or page; when a target's address or visibility
changes (or it is deleted), the bodies linking to it are rendered again
(``services/editorial/story_links.py``), so a public page never shows a dead link.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Table

from techpulse.extensions import db

article_links = Table(
    "article_links",
    db.metadata,
    Column("article_id", ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "target_id", ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True, index=True
    ),
)
page_links = Table(
    "page_links",
    db.metadata,
    Column("page_id", ForeignKey("pages.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "target_id", ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True, index=True
    ),
)
