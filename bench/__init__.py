"""Load benchmarks for the public pages (``make bench``); not part of ``make test``."""
