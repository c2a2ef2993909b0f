"""``make bench``: the public pages under wrk, against nginx serving a saved copy as the limit.

For each site size: generate (or reuse) the site, start the app server exactly as the README
says, save the article page and serve that copy with nginx, put a second nginx running the
shipped deploy/ configuration (micro-cache included) in front of the app server, then run wrk
on every target in alternating rounds (the static limit first in each, then the pages through
nginx, then the app server alone) and keep the median. Settings: bench/config.py.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import report
from bench.config import Settings, settings
from bench.counting import counting_line, measure_counting
from bench.probe import (
    fetch,
    first_miss_after_write,
    header,
    miss_time_ms,
    run_wrk,
    wait_until_serving,
)
from bench.servers import (
    app_server,
    cpu_seconds,
    nginx_proxy,
    nginx_static,
    page_files_folder,
    worker_rss_mb,
)
from bench.sitegen import Site, ensure_site
from bench.targets import TARGETS

STATIC = "static limit"
PROXIED = ("article", "home")  # also measured through nginx with the shipped configuration
VIA_NGINX = " via nginx"
# Also measured with every request a cache miss: an app server that keeps no page
# (TECHPULSE_PAGE_CACHE_MAX_BYTES=0), so each request is rendered as the first visit after
# a write, a crawler's long tail or a new search is; the parts pages share per generation
# (header, footer, sidebar, cards) stay warm, as they do for any miss but the first.
MISSED = ("article", "home")
MISS = " miss"
MISS_SAMPLES = 40
WRITE_SAMPLES = 10


def measure_size(config: Settings, site: Site) -> dict[str, Any]:
    """Every target on one site: the figures of one row of the table each."""
    host, port, miss_port = config.host, config.app_port, config.miss_port
    load = [round(os.getloadavg()[0], 1)]
    environment = site.environment(config.redis_url)
    # The miss server shares the site's generation with the other one: it must not re-render
    # pages in the background while the other's first miss after a write is being timed.
    no_pages = environment | {
        "TECHPULSE_PAGE_CACHE_MAX_BYTES": "0",
        "TECHPULSE_PAGE_CACHE_WARM": "0",
    }
    # As deployed (deploy/): the app writes its public pages for nginx to serve as files.
    pages = page_files_folder()
    with (
        pages as page_files,
        app_server(
            config.server, host, port, environment | {"TECHPULSE_PAGE_FILES_DIR": str(page_files)}
        ) as pid,
        app_server(config.server, host, miss_port, no_pages) as miss_pid,
    ):
        wait_until_serving(host, port)
        wait_until_serving(host, miss_port)
        paths, skipped, rows = {}, [], {}
        write = generation_writer(site, config.redis_url)
        for name, path_of in TARGETS:
            path = path_of(site)
            status, body, plain = fetch(host, port, path)
            if status == 404:
                skipped.append(name)
                continue
            if status != 200:
                raise SystemExit(f"{path} answered {status}; see the server log in /tmp")
            paths[name] = path
            rows[name] = {
                "path": path,
                "kind": "app",
                "bytes": plain,
                "bytes_gzip": fetch(host, port, path, True)[2],
            }
            cpu_before = cpu_seconds(pid)
            rows[name]["miss_ms"] = round(miss_time_ms(host, port, path, MISS_SAMPLES), 2)
            cpu = (cpu_seconds(pid) - cpu_before) / MISS_SAMPLES * 1000
            rows[name]["cpu_ms"] = round(cpu, 2)
            if name in MISSED:
                after, after_cpu = first_miss_after_write(
                    host, port, path, write, lambda: cpu_seconds(pid), WRITE_SAMPLES
                )
                rows[name] |= {
                    "after_write_ms": round(after, 2),
                    "after_write_cpu_ms": round(after_cpu, 2),
                }
        page = fetch(host, port, paths["article"])[1]
        uploads = Path(site.instance) / "uploads"
        with (
            nginx_static(page, host, config.nginx_port),
            nginx_proxy(port, host, config.proxy_port, uploads, page_files),
        ):
            rows |= _proxied_rows(config, paths, site.host_name)
            rows |= {
                name + MISS: {"path": paths[name], "kind": "miss"}
                for name in MISSED
                if name in paths
            }
            paths = {name: row["path"] for name, row in rows.items()}
            misses = {name + MISS: miss_pid for name in MISSED}
            runs, cpu = _rounds(config, paths, misses, site.host_name)
        rss = round(worker_rss_mb(pid), 1)
    load.append(round(os.getloadavg()[0], 1))
    limit = statistics.median(r.rps for r in runs[STATIC])
    rows[STATIC] = {"path": "/article.html (nginx)", "kind": "static"}
    for name, results in runs.items():
        rows[name].update(
            rps=round(statistics.median(r.rps for r in results), 1),
            p50_ms=round(statistics.median(r.p50_ms for r in results), 2),
            p99_ms=round(statistics.median(r.p99_ms for r in results), 2),
            errors=sum(r.errors for r in results),
            of_limit=round(statistics.median(r.rps for r in results) / limit, 4),
        )
        if name in cpu:
            rows[name]["cpu_ms"] = round(statistics.median(cpu[name]), 2)
    return {
        "size": site.size,
        "worker_rss_mb": rss,
        "load": load,
        "targets": rows,
        "skipped": skipped,
    }


def generation_writer(site: Site, redis_url: str) -> Callable[[], None]:
    """What every public write does to the app servers: a new page-cache generation."""
    from sqlalchemy import create_engine

    from techpulse.serving.generation import store_for

    store = store_for(redis_url, site.database_url, lambda: create_engine(site.database_url))
    return store.bump


def _proxied_rows(
    config: Settings, paths: dict[str, str], site_host: str
) -> dict[str, dict[str, Any]]:
    """The PROXIED pages through nginx, asked for on the site's host name (so the app writes
    their page files): what a visitor gets, and whether nginx sent a page file."""
    rows = {}
    for name in PROXIED:
        if name in paths:
            host, port, path = config.host, config.proxy_port, paths[name]
            fetch(host, port, path, host_name=site_host)  # the first visit writes the file
            fetch(host, port, path, True, host_name=site_host)
            page_file = header(host, port, path, "X-Page-File", site_host)
            rows[name + VIA_NGINX] = {
                "path": path,
                "kind": "proxied",
                "micro_cache": "page file"
                if page_file
                else header(host, port, path, "X-Micro-Cache", site_host),
                "bytes": fetch(host, port, path, host_name=site_host)[2],
                "bytes_gzip": fetch(host, port, path, True, host_name=site_host)[2],
            }
    return rows


def _rounds(
    config: Settings, paths: dict[str, str], pids: dict[str, int], site_host: str
) -> tuple[dict[str, list[Any]], dict[str, list[float]]]:
    """``rounds`` passes over nginx and every target, alternating, so drift hits all alike.

    Each round: the static limit, the pages through nginx, the app server alone, then the
    app server that keeps no page (every request a miss).
    """
    base = f"http://{config.host}"
    ports = {
        name: config.proxy_port
        if name.endswith(VIA_NGINX)
        else config.miss_port
        if name.endswith(MISS)
        else config.app_port
        for name in paths
    }
    urls = {STATIC: f"{base}:{config.nginx_port}/article.html"}
    urls |= {name: f"{base}:{ports[name]}{paths[name]}" for name in paths if VIA_NGINX in name}
    urls |= {name: f"{base}:{ports[name]}{paths[name]}" for name in paths}
    runs: dict[str, list[Any]] = {name: [] for name in urls}
    cpu: dict[str, list[float]] = {name: [] for name in pids if name in urls}
    for round_number in range(1, config.rounds + 1):
        print(f"  round {round_number}/{config.rounds}", flush=True)
        for name, url in urls.items():
            before = cpu_seconds(pids[name]) if name in cpu else 0.0
            named = site_host if name.endswith(VIA_NGINX) else ""
            result = run_wrk(url, config.duration, config.connections, config.threads, named)
            runs[name].append(result)
            if name in cpu and result.requests:  # the server's CPU per request under load
                cpu[name].append((cpu_seconds(pids[name]) - before) / result.requests * 1000)
            if name != STATIC:
                # A server that queues connections is still answering the ones wrk left
                # behind; the next run must not start on a busy server.
                fetch(config.host, ports[name], paths[name], host_name=named)
    return runs, cpu


def main() -> None:
    """Run the whole benchmark and print the table."""
    config = settings()
    started = time.perf_counter()
    database = report.database_name(config)
    print(f"Server: {config.server}\nDatabase: {database}; sizes: {config.sizes}", flush=True)
    if config.only == "counting":  # BENCH_ONLY=counting: issue 22's row alone, no table
        site = ensure_site(config.sizes[-1], config.seed, config.cache, config.database_url)
        print(f"Load average {os.getloadavg()[0]:.1f}", flush=True)
        print(counting_line(measure_counting(config, site)))
        print(f"Load average {os.getloadavg()[0]:.1f}", flush=True)
        return
    if config.only:
        raise SystemExit(f"BENCH_ONLY={config.only!r}: the only part that runs alone is counting")
    sizes = []
    for size in config.sizes:
        site = ensure_site(size, config.seed, config.cache, config.database_url)
        print(f"Measuring {size:,} stories…", flush=True)
        sizes.append(measure_size(config, site))
    result = report.build(config, sizes, time.perf_counter() - started)
    markdown = report.write(result, config.results)
    print()
    print(markdown)
    print(counting_line(measure_counting(config, site)))  # issue 22, on the last size's site
    sys.stdout.flush()


if __name__ == "__main__":
    main()
