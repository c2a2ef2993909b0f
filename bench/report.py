"""The bench results as JSON and as a Markdown table, with the performance targets checked."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.config import Settings

FLAT = 1.3  # every page at the largest size within 1.3× of its cost at the smallest
RSS_LIMIT_MB = 120
ARTICLE_RPS, ARTICLE_P99_MS, ARTICLE_OF_LIMIT, MISS_MS = 5000, 25, 0.08, 5
PROXIED_OF_LIMIT = 0.90  # article and home through the shipped nginx, at every size
MISS_RPS = 1000  # the article with every request a cache miss
MISS_CPU_MS = {"SQLite": 2.0, "PostgreSQL": 3.0}  # server CPU per miss, article and home
AFTER_WRITE = 1.2  # the first miss after a write, against a warm miss
SITEMAP_FILE_MS, SITEMAP_FILE_FROM = 50, 100_000  # a sitemap file's miss, on large sites


def database_name(config: Settings) -> str:
    """What the site runs on: SQLite, PostgreSQL, or PostgreSQL + Redis."""
    name = "PostgreSQL" if config.database_url else "SQLite"
    return f"{name} + Redis" if config.redis_url else name


def build(config: Settings, sizes: list[dict[str, Any]], seconds: float) -> dict[str, Any]:
    """Everything measured, plus when, where and how."""
    settings = {k: str(v) for k, v in asdict(config).items() if k not in ("cache", "results")}
    settings["database"] = database_name(config)
    settings.pop("database_url")
    settings.pop("redis_url")
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {_cores()} cores, Python {platform.python_version()}",
        "commit": _commit(),
        "settings": settings,
        "seconds": round(seconds),
        "sizes": sizes,
        "flatness": flatness(sizes),
        "flatness_cpu": flatness(sizes, "cpu_ms"),
        "load": " ".join(f"{x:.1f}" for x in os.getloadavg()),
    }


def flatness(sizes: list[dict[str, Any]], key: str = "rps") -> dict[str, float]:
    """Per target: how many times costlier the largest site is than the smallest.

    With ``rps`` that is requests/s at the smallest over requests/s at the largest; with
    ``cpu_ms`` (server CPU per request, which a busy machine disturbs far less) the inverse.
    """
    if len(sizes) < 2:
        return {}
    small, large = sizes[0]["targets"], sizes[-1]["targets"]
    ratios = {}
    for name in small:
        if small[name].get("kind", "app") not in ("app", "miss"):
            continue  # the static limit is the yardstick; through nginx, nginx's cache answers
        a, b = small[name].get(key), large.get(name, {}).get(key)
        if a and b:
            ratios[name] = round(a / b if key == "rps" else b / a, 2)
    return ratios


def markdown(result: dict[str, Any]) -> str:
    """The result as the table the README quotes."""
    s = result["settings"]
    lines = [
        f"Measured {result['date']} on {result['machine']} (commit {result['commit']}), "
        f"{s['database']}, server `{s['server']}`, wrk {s['connections']} connections × "
        f"{s['duration']}, median of {s['rounds']} alternating runs.",
        "",
        "| stories | page | req/s | of static | p50 ms | p99 ms | miss ms | CPU ms | KB | KB gz |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size in result["sizes"]:
        for name, row in size["targets"].items():
            kb = f"{row['bytes'] / 1024:.1f}" if "bytes" in row else ""
            kb_gzip = f"{row['bytes_gzip'] / 1024:.1f}" if "bytes_gzip" in row else ""
            miss = f"{row['miss_ms']:.1f}" if "miss_ms" in row else ""
            cpu = f"{row['cpu_ms']:.1f}" if "cpu_ms" in row else ""
            errors = f" ({row['errors']} errors)" if row.get("errors") else ""
            lines.append(
                f"| {size['size']:,} | {name} | {row['rps']:,.0f}{errors} | "
                f"{row['of_limit'] * 100:.1f}% | {row['p50_ms']:.1f} | {row['p99_ms']:.1f} | "
                f"{miss} | {cpu} | {kb} | {kb_gzip} |"
            )
    lines += [
        "",
        "miss ms: one request at a time with an unseen query string (server time + loopback);",
        "CPU ms: server CPU per such request; KB: bytes on the wire without / with gzip asked.",
        "via nginx: through nginx running deploy/nginx/techpulse.conf (page files the app",
        "wrote, else its proxy and one-second micro-cache) on a plain-http listener (the TLS",
        "server's locations without its ssl_ lines) asked for the site's host name, like the",
        "static limit; the other rows reach the app server.",
    ]
    lines += [
        "miss: an app server keeping no page (TECHPULSE_PAGE_CACHE_MAX_BYTES=0), every request",
        "rendered; the parts pages share per generation stay warm, as for any miss but the",
        "first after a write (judged below: a new generation, then one request).",
    ]
    lines += [
        "",
        "| stories | worker RSS MB | load average (start → end) | skipped (404 here) |",
        "| ---: | ---: | --- | --- |",
    ]
    for size in result["sizes"]:
        skipped = ", ".join(size["skipped"]) or "—"
        load = " → ".join(str(x) for x in size.get("load", [])) or "—"
        lines.append(f"| {size['size']:,} | {size['worker_rss_mb']} | {load} | {skipped} |")
    lines += [
        "",
        f"Load average (1, 5, 15 min) at the end: {result.get('load', '—')} on {_cores()} cores.",
        "",
        *verdicts(result),
    ]
    return "\n".join(lines) + "\n"


def verdicts(result: dict[str, Any]) -> list[str]:
    """The performance targets this run can judge, each marked met or NOT met."""
    largest = result["sizes"][-1]
    article = largest["targets"]["article"]
    rps, p99 = article["rps"], article["p99_ms"]
    checks = [
        (f"article ≥ {ARTICLE_RPS:,} req/s", rps >= ARTICLE_RPS, f"{rps:,.0f}"),
        (f"article p99 ≤ {ARTICLE_P99_MS} ms", 0 < rps and p99 <= ARTICLE_P99_MS, f"{p99} ms"),
        (f"article ≥ {ARTICLE_OF_LIMIT:.0%} of static", article["of_limit"] >= ARTICLE_OF_LIMIT,
         f"{article['of_limit']:.1%}"),
        (f"article miss ≤ {MISS_MS} ms", article["miss_ms"] <= MISS_MS, f"{article['miss_ms']} ms"),
        (f"worker RSS ≤ {RSS_LIMIT_MB} MB at {largest['size']:,}",
         largest["worker_rss_mb"] <= RSS_LIMIT_MB, f"{largest['worker_rss_mb']} MB"),
    ]  # fmt: skip
    checks += _per_size_checks(result)
    span = f"{result['sizes'][0]['size']:,} → {largest['size']:,}"
    for name, ratio in result["flatness"].items():
        checks.append((f"{name} req/s, {span}, within {FLAT}×", ratio <= FLAT, f"{ratio}×"))
    for name, ratio in result.get("flatness_cpu", {}).items():
        checks.append((f"{name} CPU/request, {span}, within {FLAT}×", ratio <= FLAT, f"{ratio}×"))
    return [f"- {'met' if ok else '**NOT met**'}: {label} ({value})" for label, ok, value in checks]


def _per_size_checks(result: dict[str, Any]) -> list[tuple[str, bool, str]]:
    """The targets every size must meet: a cheap miss, and nginx close to the static limit."""
    database = result["settings"]["database"]
    cpu_limit = MISS_CPU_MS["PostgreSQL" if database.startswith("PostgreSQL") else "SQLite"]
    checks = []
    for size in result["sizes"]:
        at, targets = f"at {size['size']:,}", size["targets"]
        for name, row in targets.items():
            if row.get("kind") == "proxied":
                share = row["of_limit"]
                served = row.get("micro_cache")
                cache = f", {served}" if served == "page file" else ""
                cache = cache or (f", micro-cache {served}" if served else "")
                label = f"{name} ≥ {PROXIED_OF_LIMIT:.0%} of static {at}"
                checks.append((label, share >= PROXIED_OF_LIMIT, f"{share:.1%}{cache}"))
            elif row.get("kind") == "miss" and name.startswith("article"):
                label = f"{name}es ≥ {MISS_RPS:,} req/s {at}"
                checks.append((label, row["rps"] >= MISS_RPS, f"{row['rps']:,.0f}"))
        for name in ("article", "home"):
            row = targets.get(name, {})
            if "cpu_ms" in row:
                label = f"{name} CPU per miss ≤ {cpu_limit:g} ms ({database}) {at}"
                checks.append((label, row["cpu_ms"] <= cpu_limit, f"{row['cpu_ms']} ms"))
            if row.get("after_write_ms") and row.get("miss_ms"):
                ratio = row["after_write_ms"] / row["miss_ms"]
                label = f"{name}: first miss after a write ≤ {AFTER_WRITE}× a warm miss {at}"
                value = (
                    f"{ratio:.2f}×: {row['after_write_ms']} against {row['miss_ms']} ms; "
                    f"CPU {row['after_write_cpu_ms']} against {row['cpu_ms']} ms"
                )
                checks.append((label, ratio <= AFTER_WRITE, value))
        if size["size"] >= SITEMAP_FILE_FROM:
            for name in ("sitemap-1", "sitemap-2"):
                if "miss_ms" in targets.get(name, {}):
                    miss = targets[name]["miss_ms"]
                    label = f"/{name}.xml miss ≤ {SITEMAP_FILE_MS} ms {at}"
                    checks.append((label, miss <= SITEMAP_FILE_MS, f"{miss} ms"))
    return checks


def write(result: dict[str, Any], folder: Path) -> str:
    """Save ``<stamp>.json``, ``<stamp>.md`` and ``latest.*`` under ``folder``; return the table."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    table = markdown(result)
    for name in (stamp, "latest"):
        (folder / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
        (folder / f"{name}.md").write_text(table)
    return table


def _commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True
        )
        return out.stdout.strip() or "unknown"
    except OSError:
        return "unknown"


def _cores() -> int:
    return os.cpu_count() or 0
