"""The public pages ``make bench`` measures. Add a line here to measure a new page.

A target whose path answers 404 on the generated site (a route this branch does not have
yet, such as a feed or the search page) is left out of the run and listed as skipped.
"""

from __future__ import annotations

from collections.abc import Callable

from bench.sitegen import Site

TARGETS: list[tuple[str, Callable[[Site], str]]] = [
    ("article", lambda site: f"/articles/{site.article}"),
    ("home", lambda site: "/"),
    # Page 50 of ten stories; a site too small for it uses its last page.
    ("home page 50", lambda site: f"/?page={min(50, site.size // 10)}"),
    ("category", lambda site: f"/category/{site.category}"),
    ("tag", lambda site: f"/tag/{site.tag}"),
    ("author", lambda site: f"/author/{site.author}"),
    ("about", lambda site: "/about"),
    ("feed", lambda site: "/feed.xml"),
    ("rss", lambda site: "/rss.xml"),
    ("sitemap", lambda site: "/sitemap.xml"),
    # On a site split into files (past 1,000 URLs): the site's own pages with the newest
    # change of every archive, then the first file of stories.
    ("sitemap-1", lambda site: "/sitemap-1.xml"),
    ("sitemap-2", lambda site: "/sitemap-2.xml"),
    ("search", lambda site: "/search?q=postgresql"),
]
