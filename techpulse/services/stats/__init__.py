"""Readership statistics: privacy-first counting in the serving path (docs/statistics.md).

visitors.py   who is left out (crawlers, prefetch, DNT/GPC) and what a request tells
              (referrer domain, search term, feed reader)
tally.py      raw hits → counters for one flush
sinks.py      where counters go: the database (one upsert) or Redis (one pipeline)
recorder.py   per-process buffer and the background flush
upkeep.py     roll-ups (visitor hashes → counts, days → months) and retention
reports.py    what the Statistics page reads
ingest.py     nginx micro-cache hits read from its log
"""
