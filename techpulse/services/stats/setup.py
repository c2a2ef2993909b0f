"""One recorder per app: its sink (Redis when configured, else the database) and its upkeep."""

from __future__ import annotations

from collections import Counter
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app
from sqlalchemy import Engine

from techpulse.extensions import db
from techpulse.services.stats import labels
from techpulse.services.stats.ingest import Labeller
from techpulse.services.stats.recorder import Recorder
from techpulse.services.stats.sinks import DatabaseSink, RedisSink, Sink
from techpulse.services.stats.upkeep import UpkeepReport, upkeep

EXTENSION = "techpulse.stats"


def _engine(app: Flask) -> Engine:
    with app.app_context():
        return db.engine


def sink_for(app: Flask) -> Sink:
    """Redis when REDIS_URL is set (several hosts share it), else the database."""
    url = app.config.get("REDIS_URL") or ""
    return RedisSink(url) if url else DatabaseSink(_engine(app))


def run_upkeep(app: Flask) -> UpkeepReport:
    """Roll-ups and retention with this app's settings."""
    return upkeep(
        _engine(app),
        sink_of(app),
        daily_days=int(app.config["STATS_DAILY_DAYS"]),
        retention_days=int(app.config["STATS_RETENTION_DAYS"]),
    )


def resolve_addresses(app: Flask, hits: Counter[tuple[Any, ...]]) -> Counter[tuple[Any, ...]]:
    """Label the hits known only by their address, as ``flask stats ingest`` does."""
    if not any(hit[1].startswith(labels.ADDRESS) for hit in hits):
        return hits
    out: Counter[tuple[Any, ...]] = Counter()
    with app.app_context():
        label_of = Labeller(app)
        for hit, times in hits.items():
            label: str | None = hit[1]
            if hit[1].startswith(labels.ADDRESS):
                label = label_of(hit[6], hit[1].removeprefix(labels.ADDRESS))
            if label is not None:
                out[(hit[0], label, *hit[2:])] += times
        db.session.remove()
    return out


def recorder_for(app: Flask) -> Recorder:
    """The app's recorder, made once."""
    if EXTENSION not in app.extensions:
        site = urlsplit(app.config.get("SITE_URL") or "").hostname
        recorder = Recorder(
            sink_for(app),
            interval=float(app.config["STATS_FLUSH_SECONDS"]),
            proxies=int(app.config.get("PROXY_FIX_X_FOR") or 0),
            own_hosts=frozenset({site.lower()} if site else ()),
            upkeep=lambda: run_upkeep(app),
            resolve=lambda hits: resolve_addresses(app, hits),
        )
        app.extensions[EXTENSION] = recorder
    return app.extensions[EXTENSION]


def sink_of(app: Flask | None = None) -> Sink:
    """Where this app's counters are (the recorder's sink, or a new one when counting is off)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    recorder = app.extensions.get(EXTENSION)
    return recorder.sink if recorder is not None else sink_for(app)
