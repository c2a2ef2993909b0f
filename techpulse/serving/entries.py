"""Cached pages: ready-to-send bytes and headers, kept per worker within a byte budget."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from datetime import datetime

from werkzeug.http import http_date, parse_date

from techpulse.serving.compression import MIN_SIZE, PAGE_LEVEL, add_vary, gzip_bytes

# Headers the cache writes itself, or that must never be replayed to another visitor.
DROPPED = frozenset(
    {
        "content-length",
        "content-encoding",
        "etag",
        "last-modified",
        "set-cookie",
        "date",
        "x-request-id",
    }  # each response gets its own id
)
# A 304 repeats only these (RFC 9110 §15.4.5).
NOT_MODIFIED_KEEP = frozenset({"cache-control", "vary", "etag", "last-modified", "expires"})


class Entry:
    """One cached 200 page under one generation, good until ``expires``.

    Its gzip form is made the first time a visitor who takes gzip asks (then kept): a miss
    asked without gzip (a crawler, a monitor, curl, wrk) spends nothing on compression, and
    a page is never compressed twice.
    """

    __slots__ = (
        "generation", "expires", "etag", "modified", "identity", "identity_headers",
        "not_modified_headers", "_kept", "_gzip",
    )  # fmt: skip

    def __init__(
        self,
        *,
        generation: str,
        expires: datetime,
        etag: str,
        modified: datetime,
        identity: bytes,
        kept: tuple[tuple[str, str], ...],
    ) -> None:
        self.generation = generation
        self.expires = expires
        self.etag = etag
        self.modified = modified
        self.identity = identity
        self._kept = kept
        self.identity_headers = (*kept, ("Content-Length", str(len(identity))))
        self.not_modified_headers = tuple(h for h in kept if h[0].lower() in NOT_MODIFIED_KEEP)
        # (bytes or None, headers) once worked out; None before.
        self._gzip: tuple[bytes | None, tuple[tuple[str, str], ...]] | None = None

    @property
    def size(self) -> int:
        # What the page will take once compressed too (HTML gzips to about a quarter).
        return len(self.identity) + len(self.identity) // 4 + 512

    def _compressed(self) -> tuple[bytes | None, tuple[tuple[str, str], ...]]:
        made = self._gzip
        if made is None:  # two threads may both compress once: same bytes, no harm
            body = self.identity
            gzipped = gzip_bytes(body, PAGE_LEVEL) if len(body) >= MIN_SIZE else None
            headers = self.identity_headers
            if gzipped is not None:
                headers = (
                    *self._kept,
                    ("Content-Encoding", "gzip"),
                    ("Content-Length", str(len(gzipped))),
                )
            made = self._gzip = (gzipped, headers)
        return made

    @property
    def gzipped(self) -> bytes | None:
        """The page gzip-compressed (None when too small to be worth it)."""
        return self._compressed()[0]

    @property
    def gzip_headers(self) -> tuple[tuple[str, str], ...]:
        """The headers sent with :attr:`gzipped`."""
        return self._compressed()[1]

    def not_modified(self, if_none_match: str | None, if_modified_since: str | None) -> bool:
        """Whether a conditional GET may be answered 304 (If-None-Match wins when present)."""
        if if_none_match is not None:
            wanted = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
            return "*" in wanted or self.etag.removeprefix("W/") in wanted
        if if_modified_since:
            since = parse_date(if_modified_since)
            return since is not None and self.modified.replace(microsecond=0) <= since
        return False


def build_entry(
    body: bytes,
    headers: list[tuple[str, str]],
    *,
    generation: str,
    expires: datetime,
    rendered_at: datetime,
) -> Entry:
    """Precompute the headers a visitor may be sent (the gzip form waits to be asked for)."""
    # SHA-256 runs in hardware on current x86 and ARM: half of BLAKE2b's CPU for a 60 KB page.
    etag = 'W/"' + hashlib.sha256(body).hexdigest()[:24] + '"'
    kept = [(name, value) for name, value in headers if name.lower() not in DROPPED]
    kept = add_vary(kept, "Accept-Encoding")
    kept += [("ETag", etag), ("Last-Modified", http_date(rendered_at))]
    return Entry(
        generation=generation,
        expires=expires,
        etag=etag,
        modified=rendered_at,
        identity=body,
        kept=tuple(kept),
    )


class EntryStore:
    """Least-recently-stored pages are dropped once the byte budget is exceeded."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[tuple[str, ...], Entry] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: tuple[str, ...]) -> Entry | None:
        """The entry at ``key``, if any (validity is the caller's check)."""
        return self._entries.get(key)

    def put(self, key: tuple[str, ...], entry: Entry) -> None:
        """Keep ``entry``, evicting the oldest entries beyond the budget."""
        if entry.size > self.max_bytes // 4:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old.size
            self._entries[key] = entry
            self._bytes += entry.size
            while self._bytes > self.max_bytes and self._entries:
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= dropped.size

    def clear(self) -> None:
        """Forget every entry (they are all stale after a bump anyway)."""
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)
