"""``flask import-wordpress``: two streaming passes over the export, one transaction per item.

Pass one reads the small things (authors, categories, attachments, the old site's offset
from UTC); pass two writes each post and page in its own transaction, so a bad item is
reported and skipped without losing the rest. A dry run does the same work and rolls back.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from techpulse.clock import utcnow
from techpulse.extensions import db
from techpulse.services import import_history, legacy_urls
from techpulse.services.wordpress import addresses
from techpulse.services.wordpress import items as item_writer
from techpulse.services.wordpress.images import Attachments, ImageImporter, attachment_from
from techpulse.services.wordpress.links import OldLinks
from techpulse.services.wordpress.records import Clock, Taxonomy
from techpulse.services.wordpress.summary import Summary
from techpulse.services.wordpress.wxr import Author, Item, SiteInfo, Term, read_wxr

FEED_URL = "/rss.xml"  # WordPress's /feed/ is its RSS 2.0 feed: ours, in one 301


class WordPressImport:
    """One import of one export file."""

    def __init__(self, export: Path, uploads: Path | None = None, dry_run: bool = False) -> None:
        self.export = export
        self.dry_run = dry_run
        self.site = SiteInfo("", "", "", "")
        self.taxonomy = Taxonomy()
        self.attachments = Attachments()
        self.clock = Clock()
        self.images = ImageImporter(uploads, dry_run)
        self.summary = Summary(dry_run=dry_run, uploads=uploads is not None)
        self.links = OldLinks()
        self.revisit: set[int] = set()  # posts linking to posts imported after them
        self.item_count = 0

    def scan(self) -> int:
        """Pass one: read everything but post bodies; return the number of items."""
        for record in read_wxr(self.export):
            if isinstance(record, Item):
                self.item_count += 1
                self.clock.learn(record.post_date, record.post_date_gmt)
                self.links.learn(record)
                if record.post_type == "attachment":
                    self.attachments.add(attachment_from(record))
            elif isinstance(record, Author | Term):
                self.taxonomy.add(record)
            elif isinstance(record, SiteInfo):
                self.site = record
                for url in (record.link, record.base_site_url, record.base_blog_url):
                    self.links.learn_host(url)
        return self.item_count

    def run(self, advance: Callable[[], None] = lambda: None) -> Summary:
        """Pass two: import every item, then record the run (not on a dry run)."""
        started = utcnow()
        for record in read_wxr(self.export):
            if isinstance(record, Item):
                self._import_item(record)
                advance()
        if self.revisit and not self.dry_run:
            self._link_forward()
        self.summary.warnings.extend(self.images.warnings)
        if not self.dry_run:
            legacy_urls.remember("/feed", "url", url=FEED_URL)
            import_history.record_run("wordpress", self.export.name, started, self.summary)
        return self.summary

    def _link_forward(self) -> None:
        """Convert once more the posts that linked to posts imported after them (not counted)."""
        waiting, self.revisit = self.revisit, set()
        for record in read_wxr(self.export):
            if isinstance(record, Item) and record.post_id in waiting:
                try:
                    item_writer.import_item(self, record)
                    db.session.commit()
                except Exception as exc:  # the first conversion stays; the link is relative
                    db.session.rollback()
                    self.summary.warnings.append(
                        f"Links of item {record.post_id} not rewritten: {type(exc).__name__}"
                    )

    def _import_item(self, item: Item) -> None:
        label = f"{item.post_type} {item.post_id} “{' '.join(item.title.split())[:80]}”"
        try:
            outcome = item_writer.import_item(self, item)
            if outcome in ("imported", "updated", "unchanged"):
                addresses.remember_item(item, self.attachments)  # for the old-address resolver
            db.session.flush()
        except Exception as exc:  # a bad item is reported, the rest go on
            db.session.rollback()
            self.summary.skip(label, f"failed: {type(exc).__name__}: {str(exc)[:200]}")
            return
        if self.dry_run or outcome not in ("imported", "updated", "unchanged"):
            db.session.rollback()  # a dry run, or a skipped item: nothing to keep
        else:
            db.session.commit()
        self.summary.count(label, outcome)
