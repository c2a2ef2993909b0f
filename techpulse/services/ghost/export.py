"""Ghost's JSON export (Settings → Labs → Export): read and checked, relations joined."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

MAX_EXPORT_BYTES = 1024 * 1024 * 1024  # a Ghost export holds text only; 1 GB is far beyond any


class GhostError(ValueError):
    """The file is not a readable Ghost export; ``str(exc)`` says why."""


@dataclass
class GhostExport:
    """The parts of an export the import uses, joined by id."""

    version: str = ""
    posts: list[dict[str, Any]] = field(default_factory=list)
    tags: dict[str, dict[str, Any]] = field(default_factory=dict)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    post_tags: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    post_authors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    meta: dict[str, dict[str, Any]] = field(default_factory=dict)  # posts_meta by post id


def read_export(path: Path) -> GhostExport:
    """Read and check a Ghost 4–6 export (the ``db`` list, or its first entry's form)."""
    if path.stat().st_size > MAX_EXPORT_BYTES:
        raise GhostError("The file is larger than any Ghost export (1 GB).")
    try:
        with path.open("rb") as source:
            document = json.load(source)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GhostError(f"The file is not JSON: {exc}") from exc
    entry = document.get("db", [None])[0] if isinstance(document, dict) else None
    if isinstance(document, dict) and entry is None and "data" in document:
        entry = document  # some tools save the entry itself
    data = entry.get("data") if isinstance(entry, dict) else None
    if not isinstance(data, dict) or not isinstance(data.get("posts"), list):
        raise GhostError("This is JSON, but not a Ghost export (no db[0].data.posts).")
    found = GhostExport(version=str((entry.get("meta") or {}).get("version") or ""))
    found.posts = [post for post in data["posts"] if isinstance(post, dict) and post.get("id")]
    found.tags = _by_id(data.get("tags"))
    found.users = _by_id(data.get("users"))
    for name, target, key in (("posts_tags", found.post_tags, "tag_id"),
                              ("posts_authors", found.post_authors, "author_id")):  # fmt: skip
        rows = [row for row in data.get(name) or [] if isinstance(row, dict)]
        for row in sorted(rows, key=lambda row: int(row.get("sort_order") or 0)):
            target[str(row.get("post_id"))].append(str(row.get(key)))
    for row in data.get("posts_meta") or []:
        if isinstance(row, dict) and row.get("post_id"):
            found.meta[str(row["post_id"])] = row
    return found


def _by_id(rows: Any) -> dict[str, dict[str, Any]]:
    return {str(row["id"]): row for row in rows or [] if isinstance(row, dict) and row.get("id")}


def parse_time(value: Any) -> datetime | None:
    """A Ghost timestamp ("2024-05-01T04:30:00.000Z", or milliseconds) in UTC."""
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value / 1000, UTC)
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).replace(microsecond=0)
