"""The serving path: page cache, compression, caching headers and static files."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import Engine

from techpulse.extensions import db


def register(app: Flask) -> None:
    """Compress, validate and cache public responses; invalidate on every public write."""
    from techpulse.serving import (
        cacheability,
        fragments,
        invalidation,
        page_files,
        readership,
        static_files,
        warming,
    )
    from techpulse.serving.entries import EntryStore
    from techpulse.serving.generation import store_for
    from techpulse.serving.pagecache import PageCache

    static_files.register(app)
    cacheability.register(app)
    app.before_request(fragments.share_common_reads)

    def engine() -> Engine:  # the engine exists only inside the app context
        with app.app_context():
            return db.engine

    generation = store_for(
        app.config.get("REDIS_URL") or "",
        app.config["SQLALCHEMY_DATABASE_URI"],
        engine,
        timeout=float(app.config["REDIS_TIMEOUT"]),
        retry_seconds=float(app.config["DEPENDENCY_RETRY_SECONDS"]),
    )
    store = EntryStore(int(app.config["PAGE_CACHE_MAX_BYTES"]))
    if not app.config["PAGE_CACHE"]:
        store.max_bytes = 0  # still compresses and validates; keeps nothing
    cookies = (
        app.config.get("SESSION_COOKIE_NAME", "session"),
        app.config.get("REMEMBER_COOKIE_NAME", "remember_token"),
    )
    cache = PageCache(
        app.wsgi_app, generation, store, cookies, int(app.config["PAGE_CACHE_STALE_IF_ERROR"])
    )
    cache.page_files = page_files.from_config(
        app.config, generation.current, cache.invalidate, lambda: _headers_stamp(app)
    )
    if warming.enabled(app.config) or (cache.page_files and warming.watching(app.config)):
        # The same watcher warms pages after a write and keeps nginx's page files current.
        pages = int(app.config["PAGE_CACHE_WARM"]) if warming.enabled(app.config) else 0
        cache.warmer = warming.Warmer(
            cache,
            generation.current,
            pages,
            warming.poll_for(generation),
            on_generation=cache.page_files.watch if cache.page_files else None,
        )
    app.wsgi_app = cache  # type: ignore[method-assign]
    app.extensions[invalidation.EXTENSION] = cache
    readership.register(app)  # outermost: counts cache hits and misses (docs/statistics.md)


def _headers_stamp(app: Flask) -> str:
    """The name of the headers the app sends with its public pages (nginx_headers.py); the
    page cache asks once, outside any request."""
    from techpulse.serving.nginx_headers import headers_stamp

    with app.app_context():
        return headers_stamp()
