"""The flush thread sends each recorder's counts on that recorder's own schedule."""

from __future__ import annotations

import time
from collections import Counter
from datetime import date

from techpulse.services.stats import recorder as recorder_module
from techpulse.services.stats.recorder import Recorder
from techpulse.services.stats.tally import Hit


class ListSink:
    """A sink that remembers what it was sent and whether it was asked for a salt."""

    def __init__(self) -> None:
        self.flushes: list[Counter] = []
        self.salts = 0

    def flush(self, counts: Counter) -> None:
        self.flushes.append(counts)

    def salt(self, day: date) -> str:
        self.salts += 1
        return "salt"


def a_view() -> Hit:
    """One reader's view of a story, as the serving path keeps it."""
    hour = float(int(time.time()) // 3600 * 3600)
    firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
    return Hit(hour, "story:1", "203.0.113.9", "", firefox, "", "", "", "", "", "")


def first_flush_of(sink: ListSink, seconds: float = 5) -> bool:
    """Start the process's flush thread (if need be); whether it flushed to ``sink`` in time."""
    recorder_module.start_flusher()
    deadline = time.monotonic() + seconds
    while not sink.flushes and time.monotonic() < deadline:
        time.sleep(0.05)
    return bool(sink.flushes)


def test_a_recorder_is_flushed_when_its_own_interval_has_passed_not_anothers():
    quick_sink, slow_sink = ListSink(), ListSink()
    quick = Recorder(quick_sink, interval=0.3)
    slow = Recorder(slow_sink, interval=3600)
    slow.record(a_view())
    quick.record(a_view())
    assert first_flush_of(quick_sink), "the 0.3 s recorder was never flushed"
    assert sum(n for (_, kind, _), n in quick_sink.flushes[0].items() if kind == "views") == 1
    time.sleep(0.5)  # a few more rounds of the thread
    assert slow_sink.flushes == [] and len(slow.hits) == 1  # its hour has not come


def test_a_flush_with_nothing_to_send_asks_the_sink_nothing():
    sink = ListSink()
    idle = Recorder(sink, interval=3600)
    idle.flush()
    assert sink.flushes == [] and sink.salts == 0


def test_a_burst_is_flushed_before_its_interval_is_up(monkeypatch):
    monkeypatch.setattr(recorder_module, "FLUSH_SOON", 50)
    sink = ListSink()
    busy = Recorder(sink, interval=3600)
    for _ in range(60):
        busy.record(a_view())
    assert first_flush_of(sink), "60 waiting hits were kept for the hour"
    assert len(busy.hits) == 0
