"""What public pages have in common, worked out once per page-cache generation in each worker.

The page cache keeps whole pages; this keeps the parts pages share (the site settings, the
navigation and footer lists, and the header, footer and sidebar HTML built from them), so a
page the cache has not seen yet renders only what is its own. A part lives exactly as long
as a cached page would: the generation changes on every public write, in every worker and
on every host, and the next scheduled story going live ends it too. Only requests the page
cache could answer (anonymous GETs) share parts; staff, and visitors with a session, get
everything fresh.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from datetime import datetime
from typing import TypeVar

from flask import current_app, g, has_request_context, render_template, request
from markupsafe import Markup

from techpulse.clock import utcnow
from techpulse.services import articles, pages, site
from techpulse.serving.cacheability import next_due
from techpulse.serving.pagecache import CANDIDATE

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)
EXTENSION = "techpulse.fragments"
_FOR_REQUEST = "techpulse.fragments.parts"
# Header variants (one per section), footers, sidebars, a few lists, the cards (about
# 1.5 KB each) and feed entries (a story's HTML) of the stories pages show: a few MB at
# most. When full, a worker starts again with what the next pages need.
MAX_ITEMS = 1024


class _Parts:
    """The parts kept for one generation, until ``until`` (a scheduled story's time) if set."""

    __slots__ = ("generation", "items", "until")

    def __init__(self, generation: str, until: datetime | None) -> None:
        self.generation = generation
        self.until = until
        self.items: dict[Hashable, object] = {}


def _parts() -> _Parts | None:
    """This generation's parts, or None when this request must not share any."""
    if not has_request_context():
        return None
    environ = request.environ
    if _FOR_REQUEST in environ:  # looked up once per request
        return environ[_FOR_REQUEST]
    generation = environ.get(CANDIDATE)
    parts: _Parts | None = None
    if generation and current_app.config["PAGE_CACHE"]:
        parts = current_app.extensions.get(EXTENSION)
        now = utcnow()
        if parts is None or parts.generation != generation or (parts.until and now >= parts.until):
            # Replaced whole, never cleared in place: a thread reading the old one is safe.
            parts = _Parts(generation, next_due(generation, now))
            current_app.extensions[EXTENSION] = parts
    environ[_FOR_REQUEST] = parts
    return parts


def _keep(parts: _Parts, key: Hashable, value: object) -> None:
    if len(parts.items) >= MAX_ITEMS:
        parts.items = {}  # a new dict: a thread still reading the old one is safe
    parts.items[key] = value


def shared(key: Hashable, build: Callable[[], T]) -> T:
    """``build()``, computed once per generation and reused by every anonymous request.

    ``build`` must return something no request changes (Core rows, strings, a copy), and
    nothing that differs between visitors (a form's per-visitor token).
    """
    parts = _parts()
    if parts is None:
        return build()
    try:
        return parts.items[key]  # type: ignore[return-value]
    except KeyError:
        value = build()
        _keep(parts, key, value)
        return value


def shared_each(keys: Sequence[K], build: Callable[[list[K]], Mapping[K, T]]) -> list[T]:
    """:func:`shared` for many keys at once, in order: ``build`` gets the keys not shared
    yet and returns their values (a key it leaves out is left out of the answer)."""
    parts = _parts()
    items: dict[Hashable, object] = parts.items if parts is not None else {}
    found = {key: items[key] for key in keys if key in items}
    missing = [key for key in keys if key not in found]
    if missing:
        for key, value in build(missing).items():
            found[key] = value
            if parts is not None:
                _keep(parts, key, value)
    return [found[key] for key in keys if key in found]  # type: ignore[misc]


# Reads nearly every public page makes, handed to the services (which keep them on ``g``
# for the request) already worked out for this generation.
COMMON_READS: tuple[tuple[str, Callable[[], object]], ...] = (
    ("site_settings", site.load_settings),
    ("navigation_categories", articles.load_navigation_categories),
    ("linked_pages", pages.load_linked_pages),
)


def share_common_reads() -> None:
    """Before an anonymous GET of a cached page: hand the services this generation's reads.

    Only for the blueprints whose pages the cache keeps: a health check or a staff page
    must not touch the database for a layout it does not draw.
    """
    if request.blueprint not in current_app.config["PAGE_CACHE_BLUEPRINTS"] or _parts() is None:
        return
    for name, load in COMMON_READS:
        setattr(g, name, shared(name, load))


def root_key() -> tuple[str, str, str]:
    """What this request's ``url_root`` is made of (scheme, host, script root), for the keys
    of parts that hold absolute URLs: the same parts for the same root, without building the
    URL: werkzeug's ``url_root`` decodes and re-encodes it, dearer than finding the part.
    Two spellings of one root (``host`` and ``host:80``) only keep two copies."""
    environ = request.environ
    host = environ.get("HTTP_HOST") or f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}"
    return environ["wsgi.url_scheme"], host, environ.get("SCRIPT_NAME", "")


def fragment(template: str, *key: Hashable, **context: Callable[[], object]) -> Markup:
    """The partial ``template`` rendered once per generation for each ``key``.

    ``key`` names everything the output depends on besides the site's data (the section
    a page belongs to, the stories a list shows…); each ``context`` value is a function,
    called only when the partial is rendered.
    """

    def render() -> Markup:
        values = {name: make() for name, make in context.items()}
        return Markup(render_template(template, **values))  # Jinja escaped it

    return shared((template, root_key(), *key), render)
