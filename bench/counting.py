"""The readership-statistics row of ``make bench``: the article with counting on and off.

Two app servers on the same site, one with STATS_ENABLED and one without, driven in
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
    """Median article req/s with counting on and off, their ratio and the verdict."""
    path = dict(TARGETS)["article"](site)
    host, on_port, off_port = config.host, config.app_port, config.app_port + 7
    env = site.environment(config.redis_url)
    runs: dict[str, list[float]] = {"on": [], "off": []}
    with (
        app_server(config.server, host, on_port, {**env, "TECHPULSE_STATS_ENABLED": "true"}),
        app_server(config.server, host, off_port, {**env, "TECHPULSE_STATS_ENABLED": "false"}),
    ):
        for port in (on_port, off_port):
            wait_until_serving(host, port)
            fetch(host, port, path)  # fills the page cache
        for _ in range(config.rounds):
            for name, port in (("on", on_port), ("off", off_port)):
                runs[name].append(_rps(f"http://{host}:{port}{path}", config))
                fetch(host, port, path)
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
