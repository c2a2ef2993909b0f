"""After a write, a worker renders its latest pages again in the background.

A write makes a new page-cache generation, so the next page a worker renders would also
rebuild the parts pages share (settings, navigation, header, footer, sidebar, cards, the
next scheduled story): the first reader after a write would wait about twice as long as
any other miss. Instead, each worker watches the generation (every 5 to 50 ms: ``POLL``)
and, when it changes, renders again the page it rendered last, through the page cache as a
visitor's request would go: the shared parts are rebuilt and the page stored before anyone
asks. A visitor's miss meanwhile waits (at most 0.1 s) for that warm-up rather than build
the same parts beside it, then builds whatever is still missing; and a warm-up waits for
the visitors' misses under way, which are building those parts already.

The other remembered pages are only worth storing when nobody is waiting: right after a
write is when readers come, and a warm-up beside a visitor's miss takes the interpreter (and
on a busy machine a core) from it. So they are rendered once the worker has seen neither a
write nor a visitor's miss for ``QUIET`` seconds, and left to their visitors if that takes
longer than ``PATIENCE`` or another write comes first.

The requests are anonymous copies of visitors' GETs (no cookie, no body, from 127.0.0.1);
they are not logged, not counted as readers, and use at most a third of one core: after a
warm-up that used c seconds of CPU, the next waits at least 2c.
"""

from __future__ import annotations

import io
import logging
import os
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

log = logging.getLogger(__name__)

WARMING = "techpulse.page_cache.warming"  # in the environ of a warm-up request
# Seconds between two looks at the generation, by where it lives: a file beside SQLite
# (a few µs to read), Redis (a GET: about 40 µs of the worker's CPU), a database row.
POLL = {"FileGeneration": 0.005, "RedisGeneration": 0.01, "DatabaseGeneration": 0.05}
# Seconds without a write or a visitor's miss before the pages after the first are warmed,
# and how long the warmer waits for such a moment before leaving them to their visitors.
QUIET = 0.05
PATIENCE = 1.0
# What of a visitor's request a warm-up keeps: where the page is, never who asked.
KEPT = (
    "wsgi.url_scheme", "wsgi.version", "wsgi.multithread", "wsgi.multiprocess",
    "wsgi.run_once", "SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL",
    "SCRIPT_NAME", "PATH_INFO", "HTTP_HOST", "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST", "HTTP_X_FORWARDED_PORT", "HTTP_X_FORWARDED_PREFIX",
)  # fmt: skip


class Warmer:
    """Remembers the pages a worker rendered last and renders them again after each write."""

    def __init__(
        self,
        app: Callable[..., Any],
        current: Callable[[], str],
        pages: int,
        poll: float = 0.01,
        quiet: float = QUIET,
        patience: float = PATIENCE,
        *,
        watch: bool = True,
        on_generation: Callable[[str], None] | None = None,
    ) -> None:
        self.app = app  # the page cache: a warmed page is stored as a visitor's would be
        self.current = current
        self.pages = pages
        self.poll = poll
        self.quiet = quiet
        self.patience = patience
        # Start the watcher with the first page remembered; without it (tests), the
        # caller calls after_write itself.
        self.watch = watch
        # Told every generation the watcher reads (page files: serving/page_files.py).
        self.on_generation = on_generation
        self.recent: OrderedDict[tuple[str, str], dict[str, Any]] = OrderedDict()
        self.generation: str | None = None
        self._pid = 0
        self._lock = threading.Lock()
        # While the latest page is being warmed: its generation, and set once it is done.
        self._warming: str | None = None
        self._first_done = threading.Event()
        # Visitors' misses being rendered in this worker now, and when one last ended or
        # this worker last saw a write (time.monotonic()).
        self._visitors = 0
        self._busy_at = 0.0
        self._rendered_at = 0.0  # when the last warm-up page was done

    def page_of(self, environ: dict[str, Any]) -> dict[str, Any]:
        """Where a visitor's GET is, as it came in (never who asked, never its query)."""
        return {name: environ[name] for name in KEPT if name in environ}

    def remember(self, page: dict[str, Any], generation: str) -> None:
        """``page`` was rendered and kept under ``generation``: warm it after the next write.

        Without its query string: what links point to (a new query is a miss whatever is
        warm), and one entry for all of a page's variants.
        """
        address = (page.get("HTTP_HOST", ""), page.get("PATH_INFO", ""))
        with self._lock:
            if self.pages > 0:
                self.recent.pop(address, None)
                self.recent[address] = page
                while len(self.recent) > self.pages:
                    self.recent.popitem(last=False)
            if self.watch and self._pid != os.getpid():  # first page here (or after a fork)
                self._pid = os.getpid()
                self.generation = generation
                thread = threading.Thread(target=self._watch, name="page-warmer", daemon=True)
                thread.start()

    def _watch(self) -> None:
        pause_until = 0.0
        while True:
            time.sleep(self.poll)
            try:
                generation = self.current()
            except Exception:  # the generation is unreadable: the page cache says so
                continue
            if self.on_generation is not None:
                try:
                    self.on_generation(generation)
                except Exception:  # never stop watching
                    log.exception("page files: watching the generation failed")
            if generation == self.generation or time.monotonic() < pause_until:
                continue
            cpu = time.thread_time()
            self.after_write(generation)
            # From the end of the last page rendered (not of the wait for a quiet moment
            # that may follow it), twice the CPU time used: not wall time, which on a busy
            # machine includes waiting for a core and would make the next warm-up late,
            # leaving the shared parts to the first visitor after the next write.
            pause_until = self._rendered_at + 2 * (time.thread_time() - cpu)

    def after_write(self, generation: str) -> int:
        """What the watcher does on seeing a new ``generation``: warm the latest page as
        soon as no visitor's miss is under way, the others after a quiet moment (:meth:`warm`)."""
        self.generation = generation
        self._busy_at = time.monotonic()  # readers come right after a write
        return self.warm(generation)

    def wait(self, generation: str, timeout: float = 0.1) -> None:
        """Before a visitor's miss under ``generation``: if the latest page is being warmed
        for it, wait for that (it is building the shared parts this request would build
        too; two threads building them at once would each take twice as long)."""
        if self._warming == generation:
            self._first_done.wait(timeout)

    @contextmanager
    def visiting(self) -> Iterator[None]:
        """Around a visitor's miss: warm-ups wait while visitors' misses are rendered."""
        with self._lock:
            self._visitors += 1
        try:
            yield
        finally:
            with self._lock:
                self._visitors -= 1
                self._busy_at = time.monotonic()

    def _turn(self, generation: str, quiet: float) -> bool:
        """Wait until no visitor's miss is being rendered here, and none ended (nor a write
        came) in the last ``quiet`` seconds; False to leave the page to visitors: no such
        moment within ``patience``, or a newer generation came (the watcher starts again).

        A visitor's miss under way is building the shared parts itself: a warm-up beside it
        would build them twice and take the interpreter from it.
        """
        give_up = time.monotonic() + self.patience
        while self._visitors or time.monotonic() - self._busy_at < quiet:
            if time.monotonic() >= give_up:
                return False
            time.sleep(self.poll)
            try:
                if self.current() != generation:
                    return False
            except Exception:  # unreadable: the page cache is off until it is back
                return False
        return True

    def _done_first(self) -> None:
        self._warming = None
        self._first_done.set()

    def warm(self, generation: str | None = None) -> int:
        """Render the remembered pages now, the latest first; how many answered 200.

        For the watcher (``generation`` given), each waits for its turn (:meth:`_turn`):
        the latest as soon as no visitor's miss is under way, the others after a quiet
        moment. Called without, it renders them all at once.
        """
        with self._lock:
            pages = list(self.recent.values())
        done = 0
        try:
            for number, page in enumerate(reversed(pages)):  # the latest first
                quiet = self.quiet if number else 0.0
                if generation is not None and not self._turn(generation, quiet):
                    break
                if number == 0:  # visitors' misses now wait for it (clear, then mark)
                    self._first_done.clear()
                    self._warming = generation
                done += self._render(page)
                self._rendered_at = time.monotonic()
                self._done_first()  # the shared parts are built: nobody waits any more
        finally:
            self._done_first()
        return done

    def _render(self, page: dict[str, Any]) -> bool:
        """Render ``page`` as an anonymous visitor's GET would be; whether it answered 200."""
        environ = page | {
            "REQUEST_METHOD": "GET",
            "QUERY_STRING": "",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr,
            WARMING: True,
        }
        status: list[str] = []
        try:
            body = self.app(environ, lambda s, h, e=None, seen=status: seen.append(s))
            for _ in body:
                pass
            getattr(body, "close", lambda: None)()
        except Exception:  # a page that fails now fails for its next visitor too
            log.exception("warming %s failed", page.get("PATH_INFO"))
            return False
        return bool(status) and status[0].startswith("200")


def poll_for(store: object) -> float:
    """How often a worker looks at the generation in ``store``."""
    return POLL.get(type(store).__name__, 0.05)


def watching(config: Any) -> bool:
    """Watch the generation in a production server's workers only: never in tests,
    `flask run` or a CLI."""
    from techpulse.web.production import served_by_wsgi_server

    return bool(config["PAGE_CACHE"]) and not config.get("TESTING") and served_by_wsgi_server()


def enabled(config: Any) -> bool:
    """Warm pages in a production server's workers (:func:`watching`) unless turned off."""
    return int(config.get("PAGE_CACHE_WARM") or 0) > 0 and watching(config)
