"""The readership-statistics row of ``make bench``: the article with counting on and off.

The app server on the same site with STATS_ENABLED and without, one at a time, driven in
alternating rounds by wrk with a browser's User-Agent (so every request is a counted view:
label, buffer, hash, flush). Issue 22's goal: counting costs at most 3% of requests/s.
"""

from __future__ import annotations

import re
import statistics
import subprocess
from typing import Any

from bench.config import Settings
from bench.probe import fetch, wait_until_serving
from bench.servers import app_server
from bench.sitegen import Site
from bench.targets import TARGETS

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0"
LIMIT = 0.03


def _rps(url: str, config: Settings) -> float:
    command = ["wrk", f"-t{config.threads}", f"-c{config.connections}", f"-d{config.duration}"]
    command += ["--timeout", "10s", "-H", f"User-Agent: {BROWSER}", url]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]


def measure_counting(config: Settings, site: Site) -> dict[str, Any]:
    """Median article req/s with counting on and off, their ratio and the verdict.

    One server at a time on the same port, started afresh for each run and the order
    alternating per round: two servers side by side measured ~20% apart with counting off
    in both (an A/A run), which would hide a 3% difference.
    """
    path = dict(TARGETS)["article"](site)
    host, port = config.host, config.app_port
    env = site.environment(config.redis_url)
    runs: dict[str, list[float]] = {"on": [], "off": []}
    for number in range(config.rounds):
        order = ["on", "off"] if number % 2 == 0 else ["off", "on"]
        for name in order:
            enabled = {"TECHPULSE_STATS_ENABLED": "true" if name == "on" else "false"}
            with app_server(config.server, host, port, {**env, **enabled}):
                wait_until_serving(host, port)
                fetch(host, port, path)  # fills the page cache
                _rps(f"http://{host}:{port}{path}", config)  # warm-up: every worker has it
                runs[name].append(_rps(f"http://{host}:{port}{path}", config))
    on, off = statistics.median(runs["on"]), statistics.median(runs["off"])
    ratio = on / off if off else 0.0
    return {"on": round(on, 1), "off": round(off, 1), "ratio": round(ratio, 4),
            "met": ratio >= 1 - LIMIT}  # fmt: skip


def counting_line(row: dict[str, Any]) -> str:
    """The verdict as the report prints it."""
    verdict = "met" if row["met"] else "**NOT met**"
    return (
        f"- {verdict}: article with readership counting on ≥ 97% of counting off "
        f"({row['on']:,.0f} vs {row['off']:,.0f} req/s, ratio {row['ratio']:.3f})"
    )
