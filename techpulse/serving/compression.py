"""gzip for text responses: which types, whether the client takes it, the bytes themselves."""

from __future__ import annotations

import gzip
from functools import lru_cache

COMPRESSIBLE_TYPES = frozenset(
    {
        "text/html",
        "text/css",
        "text/plain",
        "text/xml",
        "text/javascript",
        "application/javascript",
        "application/json",
        "application/xml",
        "application/rss+xml",
        "application/atom+xml",
        "application/feed+json",
        "application/manifest+json",
        "image/svg+xml",
    }
)
# Below this, gzip's header and the extra Vary cost more than they save.
MIN_SIZE = 512
# Static files are compressed once per worker, so spend the CPU on the smallest bytes.
STORED_LEVEL = 9
# A page is compressed on every cache miss: past level 6, HTML shrinks by a few bytes in
# ten thousand (the article page: 9 bytes of 6.6 KB) for a third more CPU.
PAGE_LEVEL = 6
# Responses compressed on every request (staff pages) trade a little size for speed.
ON_THE_FLY_LEVEL = 6


def is_compressible(content_type: str | None) -> bool:
    """Whether a response of this Content-Type is text worth compressing."""
    if not content_type:
        return False
    return content_type.split(";", 1)[0].strip().lower() in COMPRESSIBLE_TYPES


@lru_cache(maxsize=256)
def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an Accept-Encoding header allows gzip (``gzip;q=0`` and ``*;q=0`` refuse it)."""
    if not accept_encoding:
        return False
    verdict = None
    for part in accept_encoding.lower().split(","):
        coding, _, params = part.strip().partition(";")
        coding = coding.strip()
        if coding not in ("gzip", "x-gzip", "*"):
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if coding == "*" and verdict is not None:
            continue  # an explicit gzip entry wins over the wildcard
        verdict = quality > 0
    return bool(verdict)


def gzip_bytes(data: bytes, level: int = STORED_LEVEL) -> bytes:
    """``data`` gzip-compressed, reproducibly (no timestamp in the header)."""
    return gzip.compress(data, compresslevel=level, mtime=0)


def add_vary(headers: list[tuple[str, str]], value: str) -> list[tuple[str, str]]:
    """``headers`` with ``value`` in Vary (merged into an existing Vary header)."""
    out: list[tuple[str, str]] = []
    merged = False
    for name, current in headers:
        if name.lower() == "vary":
            names = [item.strip() for item in current.split(",") if item.strip()]
            if value.lower() not in (item.lower() for item in names):
                names.append(value)
            current = ", ".join(names)
            merged = True
        out.append((name, current))
    if not merged:
        out.append(("Vary", value))
    return out
