"""The page cache: a WSGI middleware in front of Flask, so a hit costs a dictionary lookup.

A hit needs: GET or HEAD, no session or remember-me cookie (so never staff, never a visitor
with a per-visitor token or a pending message), an entry for this exact URL rendered under
the current generation, and the clock before the entry's expiry (the next scheduled story).
Everything else goes to Flask; the response is stored only when Flask marked it public.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
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

log = logging.getLogger(__name__)

# Set by the middleware before Flask runs (the generation read for this request); Flask's
# after_request answers in STORE_UNTIL.
CANDIDATE = "techpulse.page_cache.candidate"
STORE_UNTIL = "techpulse.page_cache.store_until"
COOKIE_FREE = "techpulse.page_cache.cookie_free"
MAX_BODY = 4 * 1024 * 1024

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
    ) -> None:
        self.app = app
        self.generation = generation
        self.store = store
        self.private_cookies = tuple(f"{name}=" for name in private_cookies)

    def invalidate(self) -> None:
        """Make every cached page stale, in every worker and on every host."""
        self.store.clear()
        try:
            self.generation.bump()
        except Exception:  # the write itself succeeded; say so loudly, do not fail it
            log.exception("could not bump the page-cache generation")

    def _private(self, environ: dict[str, Any]) -> bool:
        cookies = environ.get("HTTP_COOKIE")
        return bool(cookies) and any(name in cookies for name in self.private_cookies)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        method = environ.get("REQUEST_METHOD")
        if method not in ("GET", "HEAD") or self._private(environ):
            return self._through(environ, start_response)
        try:
            generation = self.generation.current()
        except GenerationUnavailable as error:
            # A write may have failed to bump meanwhile: drop what this worker holds.
            log.warning("page cache off for this request: %s", error)
            self.store.clear()
            return self._through(environ, start_response)
        key = cache_key(environ)
        entry = self.store.get(key)
        if entry is not None and entry.generation == generation and clock.utcnow() < entry.expires:
            return self._send(entry, environ, start_response, "hit")
        environ[CANDIDATE] = generation
        status, headers, body = self._run(environ)
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
                return self._send(entry, environ, start_response, "miss")
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
        self, entry: Entry, environ: dict[str, Any], start_response: Callable[..., Any], label: str
    ) -> list[bytes]:
        if entry.not_modified(
            environ.get("HTTP_IF_NONE_MATCH"), environ.get("HTTP_IF_MODIFIED_SINCE")
        ):
            start_response("304 Not Modified", [*entry.not_modified_headers, ("X-Cache", label)])
            return []
        gzipped = entry.gzipped is not None and accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING"))
        headers = entry.gzip_headers if gzipped else entry.identity_headers
        start_response("200 OK", [*headers, ("X-Cache", label)])
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
