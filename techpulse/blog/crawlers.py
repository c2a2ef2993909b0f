"""What crawlers and browsers ask for by name: the sitemap, robots.txt and the favicon."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from werkzeug.wrappers import Response

from techpulse.blog.responses import conditional
from techpulse.services.sitemap import sitemap, sitemap_file, urlset_xml
from techpulse.web.lookup import or_404
from techpulse.web.urls import external_url

bp = Blueprint("crawlers", __name__)

SITEMAP_TYPE = "application/xml"
# Kept out of search engines: the staff area, the login form and search result pages.
DISALLOWED = ("/admin", "/login", "/search")


def _limit() -> int:
    return int(current_app.config["SITEMAP_MAX_URLS"])


@bp.get("/sitemap.xml")
def sitemap_xml() -> Response:
    """Every public URL, or an index of the numbered sitemap files when there are too many."""
    found = sitemap(_limit())
    if found.files == 1:
        body = urlset_xml(found.urls, found.stories)
    else:
        files = [external_url("crawlers.sitemap_part", number=n) for n in range(1, found.files + 1)]
        body = render_template("crawlers/index.xml", files=files)
    return conditional(body, SITEMAP_TYPE)


@bp.get("/sitemap-<int:number>.xml")
def sitemap_part(number: int) -> Response:
    """One file of a sitemap too large for a single one."""
    return conditional(or_404(sitemap_file(number, _limit())), SITEMAP_TYPE)


@bp.get("/robots.txt")
def robots_txt() -> Response:
    """Crawl rules and where the sitemap is."""
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOWED), ""]
    lines.append(f"Sitemap: {external_url('crawlers.sitemap_xml')}")
    return conditional("\n".join(lines) + "\n", "text/plain")


@bp.get("/favicon.ico")
def favicon() -> Response:
    """The icon browsers ask for at the root, whatever the page's <link rel=icon> says."""
    return current_app.send_static_file("favicon.ico")
