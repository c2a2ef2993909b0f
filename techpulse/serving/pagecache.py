"""The page cache: a WSGI middleware in front of Flask, so a hit costs a dictionary lookup.

A hit needs: GET or HEAD, no session or remember-me cookie (so never staff, never a visitor
with a per-visitor token or a pending message), an entry for this exact URL rendered under
the current generation, and the clock before the entry's expiry (the next scheduled story).
Everything else goes to Flask; the response is stored only when Flask marked it public.

Stale if error: when Flask cannot make a page (the database or Redis is down: a 5xx), the
last good copy of it is sent instead, if it is younger than ``stale_if_error``.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from datetime import timedelta
from typing import Any

from techpulse import clock
from techpulse.serving.compression import (
    ON_THE_FLY_LEVEL,
    accepts_gzip,
    add_vary,
    gzip_bytes,
    is_compressible,
)
from techpulse.serving.entries import Entry, EntryStore, build_entry
from techpulse.serving.generation import GenerationStore, GenerationUnavailable
from techpulse.serving.page_files import PageFiles
from techpulse.serving.warming import WARMING, Warmer

log = logging.getLogger(__name__)

# Set by the middleware before Flask runs (the generation read for this request); Flask's
# after_request answers in STORE_UNTIL.
CANDIDATE = "techpulse.page_cache.candidate"
STORE_UNTIL = "techpulse.page_cache.store_until"
COOKIE_FREE = "techpulse.page_cache.cookie_free"
MAX_BODY = 4 * 1024 * 1024
# Health checks go straight to Flask: they must never wait on the cache's generation.
UNCACHED_PATHS = frozenset({"/healthz", "/readyz"})

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def cache_key(environ: dict[str, Any]) -> tuple[str, ...]:
    """Everything that can change the bytes of an anonymous page: scheme, host, path, query."""
    get = environ.get
    return (
        get("wsgi.url_scheme", ""),
        get("HTTP_HOST", ""),
        get("HTTP_X_FORWARDED_PROTO", ""),
        get("HTTP_X_FORWARDED_HOST", ""),
        get("SCRIPT_NAME", ""),
        get("PATH_INFO", ""),
        get("QUERY_STRING", ""),
    )


def _header(headers: list[tuple[str, str]], name: str) -> str | None:
    name = name.lower()
    return next((value for key, value in headers if key.lower() == name), None)


def _without_vary_cookie(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    out = []
    for name, value in headers:
        if name.lower() == "vary":
            value = ", ".join(v.strip() for v in value.split(",") if v.strip().lower() != "cookie")
            if not value:
                continue
        out.append((name, value))
    return out


def _collect(iterable: Iterable[bytes]) -> bytes:
    try:
        return b"".join(iterable)
    finally:
        close = getattr(iterable, "close", None)
        if close is not None:
            close()


class PageCache:
    """WSGI middleware answering anonymous GETs from ready-to-send compressed bytes."""

    def __init__(
        self,
        app: WSGIApp,
        generation: GenerationStore,
        store: EntryStore,
        private_cookies: tuple[str, ...],
        stale_if_error: int = 0,
    ) -> None:
        self.app = app
        self.generation = generation
        self.store = store
        self.private_cookies = tuple(f"{name}=" for name in private_cookies)
        self.stale_if_error = timedelta(seconds=stale_if_error)
        self._generation_lost = False
        # Renders this worker's latest pages again after a write (serving/warming.py).
        self.warmer: Warmer | None = None
        # Public pages written as files for nginx (serving/page_files.py, PAGE_FILES_DIR).
        self.page_files: PageFiles | None = None

    def invalidate(self) -> None:
        """Make every cached page stale, in every worker and on every host."""
        self.store.clear()
        try:
            self.generation.bump()
        except Exception:  # the write itself succeeded; say so loudly, do not fail it
            log.exception("could not bump the page-cache generation")
            return
        if self.page_files is not None:
            self.page_files.follow()  # nginx stops serving the old pages now

    def _private(self, environ: dict[str, Any]) -> bool:
        cookies = environ.get("HTTP_COOKIE")
        return bool(cookies) and any(name in cookies for name in self.private_cookies)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        method = environ.get("REQUEST_METHOD")
        if (
            method not in ("GET", "HEAD")
            or environ.get("PATH_INFO") in UNCACHED_PATHS
            or self._private(environ)
        ):
            return self._through(environ, start_response)
        key = cache_key(environ)
        try:
            generation = self.generation.current()
        except GenerationUnavailable as error:
            # No hits while the generation is unknown (a write may not have bumped it), but
            # a stored page may still stand in for one Flask cannot make.
            if not self._generation_lost:
                log.warning("page cache off until its generation can be read: %s", error)
            self._generation_lost = True
            status, headers, body = self._run(environ)
            return self._finish_or_stale(key, environ, start_response, status, headers, body)
        if self._generation_lost:
            self._regained()
        if (entry := self._fresh(key, generation)) is not None:
            return self._send(entry, environ, start_response, "hit", secrets.token_hex(8))
        page = None  # where this page is, for the worker's warm-ups after a write
        visiting: AbstractContextManager[None] = nullcontext()
        if self.warmer is not None and not environ.get(WARMING):
            self.warmer.wait(generation)  # a write's warm-up under way: no double work
            if (entry := self._fresh(key, generation)) is not None:  # it kept this very page
                return self._send(entry, environ, start_response, "hit", secrets.token_hex(8))
            page = self.warmer.page_of(environ)  # before Flask (ProxyFix) rewrites it
            visiting = self.warmer.visiting()  # its later pages wait while visitors do
        environ[CANDIDATE] = generation
        with visiting:
            status, headers, body = self._run(environ)
        if status.startswith("5"):
            return self._finish_or_stale(key, environ, start_response, status, headers, body)
        until = environ.get(STORE_UNTIL)
        if method == "GET" and until and status.startswith("200 "):
            if _header(headers, "Set-Cookie") is None:
                content = _collect(body)
                entry = build_entry(
                    content,
                    headers,
                    generation=generation,
                    expires=until,
                    rendered_at=clock.utcnow(),
                )
                if len(content) <= MAX_BODY:
                    self.store.put(key, entry)
                    if self.page_files is not None:
                        self.page_files.store(environ, entry)
                if page is not None and self.warmer is not None:
                    self.warmer.remember(page, generation)
                request_id = _header(headers, "X-Request-ID") or secrets.token_hex(8)
                return self._send(entry, environ, start_response, "miss", request_id)
        return self._finish(environ, start_response, status, headers, body)

    def _fresh(self, key: tuple[str, ...], generation: str) -> Entry | None:
        """The page kept at ``key``, if rendered under ``generation`` and not expired."""
        entry = self.store.get(key)
        if entry is not None and entry.generation == generation and clock.utcnow() < entry.expires:
            return entry
        return None

    def _regained(self) -> None:
        """The generation is readable again: writes meanwhile may not have bumped it, so
        forget this worker's pages and bump once, for every other worker and host too."""
        self._generation_lost = False
        self.invalidate()
        log.warning("page cache back on")

    def _stale(self, key: tuple[str, ...]) -> Entry | None:
        """The last good copy of the page at ``key``, if young enough to stand in."""
        entry = self.store.get(key)
        if entry is None or not self.stale_if_error:
            return None
        return entry if clock.utcnow() - entry.modified <= self.stale_if_error else None

    def _finish_or_stale(
        self,
        key: tuple[str, ...],
        environ: dict[str, Any],
        start_response: Callable[..., Any],
        status: str,
        headers: list[tuple[str, str]],
        body: Iterable[bytes],
    ) -> Any:
        """Flask's response, unless it is an error and a recent good copy can stand in."""
        if status.startswith("5") and (stale := self._stale(key)) is not None:
            _collect(body)
            request_id = _header(headers, "X-Request-ID") or secrets.token_hex(8)
            return self._send(stale, environ, start_response, "stale", request_id)
        return self._finish(environ, start_response, status, headers, body)

    def _run(self, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], Iterable[bytes]]:
        captured: list[Any] = []

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured[:] = [status, headers]
            return lambda data: None

        body = self.app(environ, capture)
        if not captured:  # an app that starts the response lazily
            body = [_collect(body)]
        return captured[0], list(captured[1]), body

    def _send(
        self,
        entry: Entry,
        environ: dict[str, Any],
        start_response: Callable[..., Any],
        label: str,
        request_id: str,
    ) -> list[bytes]:
        """The stored bytes (or a 304), with this response's own request id."""
        own = [("X-Cache", label), ("X-Request-ID", request_id)]
        if entry.not_modified(
            environ.get("HTTP_IF_NONE_MATCH"), environ.get("HTTP_IF_MODIFIED_SINCE")
        ):
            start_response("304 Not Modified", [*entry.not_modified_headers, *own])
            return []
        # Asked first: the page is compressed only for a visitor who takes gzip.
        gzipped = accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING")) and entry.gzipped is not None
        headers = entry.gzip_headers if gzipped else entry.identity_headers
        start_response("200 OK", [*headers, *own])
        if environ.get("REQUEST_METHOD") == "HEAD":
            return []
        return [entry.gzipped if gzipped else entry.identity]  # type: ignore[list-item]

    def _through(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        status, headers, body = self._run(environ)
        return self._finish(environ, start_response, status, headers, body)

    def _finish(
        self,
        environ: dict[str, Any],
        start_response: Callable[..., Any],
        status: str,
        headers: list[tuple[str, str]],
        body: Iterable[bytes],
    ) -> Any:
        """Pass a response on, gzip-compressed on the fly when it is text and the client agrees."""
        if environ.get(COOKIE_FREE) and _header(headers, "Set-Cookie") is None:
            headers = _without_vary_cookie(headers)
        if not is_compressible(_header(headers, "Content-Type")) or _header(
            headers, "Content-Encoding"
        ):
            start_response(status, headers)
            return body
        headers = add_vary(headers, "Accept-Encoding")
        if (
            environ.get("REQUEST_METHOD") == "HEAD"
            or not status.startswith(("200 ", "404 ", "410 ", "403 "))
            or not accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING"))
            or "no-transform" in (_header(headers, "Cache-Control") or "")
        ):
            start_response(status, headers)
            return body
        content = _collect(body)
        if len(content) < 512:
            start_response(status, headers)
            return [content]
        compressed = gzip_bytes(content, ON_THE_FLY_LEVEL)
        # The compressed bytes differ from the identity ones: a strong ETag becomes weak.
        headers = [
            (k, v if k.lower() != "etag" or v.startswith("W/") else "W/" + v)
            for k, v in headers
            if k.lower() != "content-length"
        ]
        headers += [("Content-Encoding", "gzip"), ("Content-Length", str(len(compressed)))]
        start_response(status, headers)
        return [compressed]
