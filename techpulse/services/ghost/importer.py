"""``flask import-ghost``: a Ghost export's posts, pages, tags, authors and images, once each.

Every post is written in its own transaction through the same write path as the WordPress
import (``services/wordpress/writer.py``), so revisions, the audit log, the search index and
the page cache all follow; a dry run does the same work and rolls back. Ghost's addresses
(``/slug/``, ``/tag/x/``, ``/author/x/``, their ``rss/`` feeds and ``/rss/``) are recorded as
old addresses, each answered with one 301.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from techpulse.clock import utcnow
from techpulse.extensions import db
from techpulse.services import import_history, legacy_urls
from techpulse.services.ghost import posts
from techpulse.services.ghost.export import GhostExport, read_export
from techpulse.services.ghost.images import GhostImages
from techpulse.services.wordpress.records import Taxonomy
from techpulse.services.wordpress.summary import Summary
from techpulse.services.wordpress.wxr import Author


class GhostImport:
    """One import of one Ghost export file."""

    def __init__(
        self, export: Path, images: Path | None = None, dry_run: bool = False, old_url: str = ""
    ) -> None:
        self.export = export
        # The old site's address (optional): its links lose it, images not imported keep it.
        self.old_url = old_url.rstrip("/")
        self.dry_run = dry_run
        self.data = GhostExport()
        self.taxonomy = Taxonomy()
        self.images = GhostImages(images, dry_run)
        self.summary = Summary(dry_run=dry_run, uploads=images is not None, media_option="--images")
        self.slugs: dict[str, str] = {}  # Ghost slug → post id, for links between posts
        self.revisit: set[str] = set()

    def scan(self) -> int:
        """Read the export; return the number of posts and pages."""
        self.data = read_export(self.export)
        for user in self.data.users.values():
            slug = str(user.get("slug") or user["id"])
            name = str(user.get("name") or slug)
            self.taxonomy.add(Author(slug, str(user.get("email") or ""), name))
        self.slugs = {str(post.get("slug")): str(post["id"]) for post in self.data.posts}
        return len(self.data.posts)

    def run(self, advance: Callable[[], None] = lambda: None) -> Summary:
        """Import every post and page, then record the run (not on a dry run)."""
        started = utcnow()
        for post in self.data.posts:
            self._import_post(post)
            advance()
        if self.revisit and not self.dry_run:
            waiting, self.revisit = self.revisit, set()
            for post in self.data.posts:
                if str(post["id"]) in waiting:
                    self._import_post(post, count=False)
        self.summary.warnings.extend(self.images.warnings)
        if not self.dry_run:
            legacy_urls.remember("/rss", "url", url="/rss.xml")
            import_history.record_run("ghost", self.export.name, started, self.summary)
        return self.summary

    def _import_post(self, post: dict[str, Any], count: bool = True) -> None:
        label = f"{post.get('type') or 'post'} {post['id']} “{str(post.get('title'))[:80]}”"
        try:
            outcome = posts.import_post(self, post)
            db.session.flush()
        except Exception as exc:  # a bad post is reported, the rest go on
            db.session.rollback()
            if count:
                self.summary.skip(label, f"failed: {type(exc).__name__}: {str(exc)[:200]}")
            return
        if self.dry_run or outcome not in ("imported", "updated", "unchanged"):
            db.session.rollback()
        else:
            db.session.commit()
        if count:
            self.summary.count(label, outcome)
