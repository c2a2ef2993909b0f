"""A worker's warm-up after a write: the latest page first, and never beside a visitor's miss.

What a production worker's watcher does when it sees a new generation (``after_write``),
driven here by hand: the watcher's own thread is not started (``watch=False``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from techpulse.extensions import db
from techpulse.serving.warming import Warmer


@pytest.fixture
def stories(make):
    make.settings()
    return [make.article(f"Story {n}") for n in range(2)]


@pytest.fixture
def cache(app) -> Iterator[Any]:
    page_cache = app.extensions["techpulse.page_cache"]
    yield page_cache
    page_cache.warmer = None


def _warmer(cache: Any, **options: Any) -> Warmer:
    current = cache.generation.current
    cache.warmer = Warmer(cache, current, pages=4, poll=0.005, watch=False, **options)
    return cache.warmer


def _visit_then_write(client, stories) -> list[str]:
    """Both stories seen by a visitor (the second last), then a write: both are stale."""
    urls = [f"/articles/{story.slug}" for story in stories]
    for url in urls:
        assert client.get(url).headers["X-Cache"] == "miss"
    stories[0].title = "Story zero, edited"
    db.session.commit()
    return urls


def test_latest_page_at_once_the_others_after_a_quiet_moment(client, cache, stories):
    warmer = _warmer(cache, quiet=0.2)
    urls = _visit_then_write(client, stories)
    started = time.monotonic()
    assert warmer.after_write(cache.generation.current()) == 2
    assert time.monotonic() - started >= 0.2  # the second page waited for quiet
    for url in urls:
        assert client.get(url).headers["X-Cache"] == "hit"
    assert "Story zero, edited" in client.get(urls[0]).get_data(as_text=True)


def test_a_newer_write_during_the_quiet_wait_leaves_the_other_pages(client, cache, stories):
    warmer = _warmer(cache, quiet=5.0)
    urls = _visit_then_write(client, stories)
    threading.Timer(0.05, cache.invalidate).start()  # another write, 50 ms later
    started = time.monotonic()
    assert warmer.after_write(cache.generation.current()) == 1  # the latest only
    assert time.monotonic() - started < 2.0
    for url in urls:  # both stale again: the watcher starts over for the newer write
        assert client.get(url).headers["X-Cache"] == "miss"


def test_no_warm_up_beside_a_visitors_miss(app, client, cache, stories):
    warmer = _warmer(cache, quiet=0.0, patience=0.3)
    urls = _visit_then_write(client, stories)
    inside, release = threading.Event(), threading.Event()
    flask_app = cache.app

    def slow_page(environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("QUERY_STRING") == "slow":  # a visitor's miss, held mid-render
            inside.set()
            release.wait(5)
        return flask_app(environ, start_response)

    cache.app = slow_page
    visitor = threading.Thread(target=lambda: app.test_client().get(f"{urls[0]}?slow"))
    visitor.start()
    try:
        assert inside.wait(5)
        # The visitor's miss is building the shared parts: the warm-up waits for it, and
        # leaves the pages to visitors when it does not end within the warmer's patience.
        assert warmer.after_write(cache.generation.current()) == 0
    finally:
        release.set()
        visitor.join(5)
        cache.app = flask_app
    assert client.get(urls[1]).headers["X-Cache"] == "miss"


def test_visitors_wait_for_the_latest_page_not_for_the_quiet_moment(app, client, cache, stories):
    warmer = _warmer(cache, quiet=5.0, patience=5.0)
    urls = _visit_then_write(client, stories)
    generation = cache.generation.current()
    warming = threading.Thread(target=warmer.after_write, args=(generation,), daemon=True)
    warming.start()
    try:
        deadline = time.monotonic() + 5
        while client.get(urls[1]).headers["X-Cache"] != "hit":  # the latest page, warmed
            assert time.monotonic() < deadline
            time.sleep(0.01)
        started = time.monotonic()
        assert client.get(f"{urls[0]}?new").headers["X-Cache"] == "miss"
        assert time.monotonic() - started < 1.0  # did not wait for the 5 s of quiet
    finally:
        cache.invalidate()  # a newer generation: the warm-up gives up its wait
        warming.join(5)
