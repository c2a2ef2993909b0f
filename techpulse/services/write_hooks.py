"""Every side effect of a database write, installed in one place and in this order.

They hang on SQLAlchemy's session events, so no write path (the editor, the importer, the
seeder, a CLI command, a test factory) can skip them. What fires, for each session:

1. **Search index** (``services/search/index.py``): after each flush, the ``search_documents``
   rows of added, edited or deleted articles, and of renamed or deleted categories and tags,
   are rewritten in the same transaction.
2. **Tag links** (``services/tag_listing.py``): after each flush, and after a bulk UPDATE of
   articles' status or date, the links of added or changed articles carry the story's
   live date again (``article_tags.live_from``, what tag pages read from their index).
3. **Listing counts** (``services/listing_counts.py``): each flush notes the listings
   (home, category, tag, author) a changed article may enter or leave; just before the
   commit those are counted again, under a row lock.
4. **Media files** (``services/media/storage.py``): files written for a new image stay if
   its transaction commits and are removed if it rolls back; a deleted image's files go
   once the delete commits.
5. **Story links** (``services/editorial/story_links.py``): when a story's address or
   visibility changes, or it is deleted, the bodies linking to it (``article:ID``) are
   rendered again in the same transaction, so no public page keeps a dead link.
6. **Page cache** (``serving/invalidation.py``): a commit that changed anything the public
   sees bumps the page-cache generation, so every worker on every host drops its copies.

Within one event, listeners run in the order they are installed here: the counts are
recounted before the commit whose generation bump makes pages read them.
"""

from __future__ import annotations


def install() -> None:
    """Install the commit-time side effects (once per process; repeated calls do nothing)."""
    from techpulse.services import listing_counts, tag_listing
    from techpulse.services.editorial import story_links
    from techpulse.services.media import storage
    from techpulse.services.search import index
    from techpulse.serving import invalidation

    index.install()
    tag_listing.install()
    listing_counts.install()
    storage.install()
    story_links.install()
    invalidation.install()
