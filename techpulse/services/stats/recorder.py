"""The per-process buffer of hits and the one background thread that flushes every buffer.

Serving a page only appends a tuple to a deque (``Readership``). Every
``STATS_FLUSH_SECONDS`` one thread per process turns the hits into counters and sends them
in one statement; at a graceful exit (atexit, and multiprocessing's exit hook for server
workers) the last hits are flushed too. A crash loses at most one interval. Upkeep runs now
and then from the same thread.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
import weakref
from collections import Counter, deque
from collections.abc import Callable
from datetime import date
from itertools import islice
from multiprocessing import util as multiprocessing_util
from typing import Any

from techpulse.services.stats.sinks import Sink
from techpulse.services.stats.tally import CounterKey, counts_of

log = logging.getLogger(__name__)

MAX_BUFFERED = 200_000  # beyond this (the sink down for long) new hits are dropped
UPKEEP_EVERY = 3600.0
MIN_SLEEP = 0.2  # the flush thread's shortest nap
CHECK_EVERY = 0.5  # and its longest: how often it looks at the buffers' length
FLUSH_SOON = 10_000  # hits waiting (~4 MB) that are flushed without waiting for the interval


class Recorder:
    """Hits from one process's requests, waiting for the next flush."""

    def __init__(
        self,
        sink: Sink,
        *,
        interval: float,
        proxies: int = 0,
        own_hosts: frozenset[str] = frozenset(),
        upkeep: Callable[[], Any] | None = None,
        resolve: Callable[[Counter[tuple[Any, ...]]], Counter[tuple[Any, ...]]] | None = None,
    ) -> None:
        self.sink = sink
        self.interval = interval
        self.proxies = proxies
        self.own_hosts = own_hosts
        self.upkeep = upkeep
        self.resolve = resolve  # labels hits known only by their address (see readership.py)
        # Hits as plain tuples (the garbage collector soon stops tracking them); appending to
        # and popping from a deque are atomic, so serving threads never wait on a lock.
        self.hits: deque[tuple[Any, ...]] = deque(maxlen=MAX_BUFFERED)
        self.unsent: Counter[CounterKey] = Counter()
        self.salts: dict[date, str] = {}
        self.lock = threading.Lock()  # one flush at a time
        self.last_upkeep = time.monotonic()
        self.due = time.monotonic() + interval  # when the flush thread next flushes this one
        _RECORDERS.add(self)
        _NEW_RECORDER.set()  # it may be due before the thread's next look

    def record(self, hit: tuple[Any, ...]) -> None:
        """Keep a hit (``Hit``'s fields, the time cut to the hour) until the next flush."""
        self.hits.append(hit)
        if not FLUSHING["started"]:
            start_flusher()

    def salt_for(self, day: date) -> str:
        """The day's salt, asked of the sink once per day and process."""
        salt = self.salts.get(day)
        if salt is None:
            salt = self.sink.salt(day)
            self.salts = {day: salt}
        return salt

    def flush(self) -> None:
        """Count the buffered hits and send them; on failure keep them for the next flush."""
        with self.lock:
            self.due = time.monotonic() + self.interval
            if not self.hits and not self.unsent and not self._upkeep_due():
                return  # nothing to send: no salt read, no connection taken
            # Popped in C (serving threads may append meanwhile), counted in C: equal hits
            # (one reader, one page, one hour) become one entry worked out once.
            taken = list(islice(iter(self.hits.popleft, None), len(self.hits)))
            hits = Counter(taken)
            try:
                if self.resolve is not None:
                    hits = self.resolve(hits)
                counted = counts_of(
                    hits, self.salt_for, proxies=self.proxies, own_hosts=self.own_hosts
                )
            except Exception:  # the salt or a label could not be read: try again next time
                log.warning("readership statistics: counting failed, retried", exc_info=True)
                self.hits.extend(taken)
                counted = Counter()
            counts, self.unsent = self.unsent, Counter()
            counts.update(counted)
            try:
                self.sink.flush(counts)
            except Exception:
                log.warning("readership statistics: flush failed, retried", exc_info=True)
                if len(counts) < MAX_BUFFERED:
                    self.unsent = counts
            if self._upkeep_due():
                self.last_upkeep = time.monotonic()
                try:
                    self.upkeep()
                except Exception:
                    log.warning("readership statistics: upkeep failed", exc_info=True)

    def _upkeep_due(self) -> bool:
        return self.upkeep is not None and time.monotonic() - self.last_upkeep > UPKEEP_EVERY


_RECORDERS: weakref.WeakSet[Recorder] = weakref.WeakSet()
# Whether this process's flush thread runs: read by every counted request (one dict read).
FLUSHING: dict[str, Any] = {"thread": None, "pid": 0, "started": False}
_START = threading.Lock()
_NEW_RECORDER = threading.Event()


def start_flusher() -> None:
    """Start this process's flush thread, once (after a fork, again in the child)."""
    if FLUSHING["pid"] == os.getpid():
        return
    with _START:
        if FLUSHING["pid"] == os.getpid():
            return
        thread = threading.Thread(target=_flush_forever, name="stats-flush", daemon=True)
        FLUSHING.update(thread=thread, pid=os.getpid(), started=True)
        thread.start()


def _flush_forever() -> None:
    """Flush each recorder when its own interval has passed (one app per process in
    production; the test suite makes many, each with its own database and interval), or
    sooner once FLUSH_SOON hits wait: under a burst of thousands of requests a second the
    buffer would otherwise hold tens of megabytes of hits until the interval is up."""
    while True:
        now = time.monotonic()
        next_due = min((r.due for r in list(_RECORDERS)), default=now + CHECK_EVERY)
        _NEW_RECORDER.wait(min(max(next_due - now, MIN_SLEEP), CHECK_EVERY))
        _NEW_RECORDER.clear()
        now = time.monotonic()
        for recorder in list(_RECORDERS):
            if recorder.due <= now or len(recorder.hits) >= FLUSH_SOON:
                recorder.flush()


def flush_all() -> None:
    """Flush every recorder of this process (the thread, and graceful shutdown)."""
    for recorder in list(_RECORDERS):
        recorder.flush()


def _after_fork() -> None:
    for recorder in list(_RECORDERS):
        recorder.hits.clear()  # the parent counts its own
        recorder.lock = threading.Lock()
    FLUSHING.update(pid=0, started=False)


os.register_at_fork(after_in_child=_after_fork)
atexit.register(flush_all)
# Server workers started by multiprocessing leave through os._exit, which skips atexit but
# runs multiprocessing's own exit hooks.
multiprocessing_util.Finalize(None, flush_all, exitpriority=100)
