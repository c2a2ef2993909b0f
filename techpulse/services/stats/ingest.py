"""Pages nginx's micro-cache answered itself, read from the log deploy/nginx writes for them.

nginx logs only GETs it served from its cache without asking the app (``$upstream_cache_status``
HIT or UPDATING; a STALE one is also fetched by nginx in the background, which the app counts),
one tab-separated line each (``log_format techpulse_stats``). ``flask stats
ingest`` reads the lines added since its last run (the offset is kept beside the log),
labels each address as the app would, and counts them like any other hit.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from werkzeug.exceptions import HTTPException

from techpulse.services import articles
from techpulse.services.search.query import MAX_QUERY_LENGTH, search
from techpulse.services.stats import labels
from techpulse.services.stats.sinks import Sink
from techpulse.services.stats.tally import Hit, counts_of, hour_of

FIELDS = 11  # msec status addr host uri agent referer dnt gpc sec-purpose purpose


@dataclass
class IngestReport:
    """What one ingest run read and counted."""

    lines: int = 0
    counted: int = 0


def _field(raw: str) -> str:
    """A field as nginx wrote it with ``escape=json``."""
    try:
        return json.loads(f'"{raw}"')
    except ValueError:
        return raw


def parse(line: str) -> dict[str, str] | None:
    """One log line as named fields, or None for a line of another shape."""
    parts = line.rstrip("\n").split("\t")
    if len(parts) != FIELDS:
        return None
    names = ("at", "status", "addr", "host", "uri", "agent", "referer", "dnt", "gpc", "sp", "p")
    return {name: _field(value) for name, value in zip(names, parts, strict=True)}


class Labeller:
    """Addresses → labels, as the app labels the pages it renders (remembered per run)."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.known: dict[tuple[str, str], str | None] = {}

    def __call__(self, host: str, uri: str) -> str | None:
        key = (host, uri)
        if key not in self.known:
            self.known[key] = self._label(host, uri)
        return self.known[key]

    def _label(self, host: str, uri: str) -> str | None:
        path, _, query = uri.partition("?")
        adapter = self.app.url_map.bind(host or "localhost")
        try:
            endpoint, values = adapter.match(path, method="GET", query_args=query)
        except HTTPException:
            return None
        if endpoint == "blog.article":
            story = articles.article_by_slug(values["slug"]).article
            return labels.story_label(story.id) if story is not None else None
        if endpoint == "search.results":
            with self.app.test_request_context(uri):
                from flask import request

                words = " ".join(request.args.get("q", "").split())[:MAX_QUERY_LENGTH]
            if not words:
                return None
            return labels.search_label(words, bool(search(words, 1, 1).total))
        return labels.label_for(endpoint, path)


def new_lines(log: Path, state: Path, truncate: bool) -> Iterator[str]:
    """Complete lines added to ``log`` since the offset kept in ``state``; then the new offset."""
    kept = json.loads(state.read_text()) if state.exists() else {}
    info = log.stat()
    offset = int(kept.get("offset", 0))
    if kept.get("inode") != info.st_ino or info.st_size < offset:
        offset = 0  # rotated or emptied: start again
    with log.open("rb") as handle:
        handle.seek(offset)
        data = handle.read()
    end = data.rfind(b"\n") + 1
    yield from data[:end].decode("utf-8", "replace").splitlines()
    offset += end
    if truncate and log.stat().st_size == offset:
        os.truncate(log, 0)  # no address stays on disk longer than one ingest interval
        offset = 0
    state.write_text(json.dumps({"inode": info.st_ino, "offset": offset}))


def ingest(
    app: Flask, log: Path, state: Path, sink: Sink, *, truncate: bool = False
) -> IngestReport:
    """Count the micro-cache hits logged since the last run."""
    report = IngestReport()
    label_of: Callable[[str, str], str | None] = Labeller(app)
    hits: Counter[tuple[object, ...]] = Counter()
    for line in new_lines(log, state, truncate):
        report.lines += 1
        fields = parse(line)
        if fields is None or fields["status"] not in ("200", "304"):
            continue
        label = label_of(fields["host"], fields["uri"])
        if label is None:
            continue
        hit = Hit(
            hour_of(float(fields["at"])), label, fields["addr"], "", fields["agent"],
            fields["referer"], fields["host"], fields["dnt"], fields["gpc"], fields["sp"],
            fields["p"],
        )  # fmt: skip
        hits[tuple(hit)] += 1
    salts: dict[object, str] = {}
    counts = counts_of(hits, lambda day: salts.setdefault(day, sink.salt(day)))
    report.counted = int(sum(n for (_, kind, _), n in counts.items() if kind in ("views", "feed")))
    sink.flush(counts)
    return report
