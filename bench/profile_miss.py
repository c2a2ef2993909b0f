"""What a page-cache miss costs, in process: ``python -m bench.profile_miss``.

Builds the app on a generated bench site (bench/sitegen.py) with the page cache keeping no
page (``PAGE_CACHE_MAX_BYTES=0``, as ``make bench``'s miss rows), warms it, then sends each
page N requests with unseen query strings straight through the WSGI stack and prints the
CPU time per request (``time.process_time``), the SQL statements per request, and, with
``--profile``, a cProfile top list. "after write" is the first request after a new
page-cache generation (what every public write does), as ``make bench`` measures it.

    python -m bench.profile_miss                     # SQLite, 100 stories
    python -m bench.profile_miss --profile article   # and where the article's time goes
    BENCH_DATABASE_URL=postgresql://… python -m bench.profile_miss

CPU time, not wall time: the machine is shared, and CPU per request is what a miss costs.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import event

from bench.config import settings
from bench.sitegen import Site, ensure_site

PAGES: dict[str, Callable[[Site], str]] = {
    "article": lambda site: f"/articles/{site.article}",
    "home": lambda site: "/",
}


def make_app(site: Site, redis_url: str) -> Any:
    """The app as ``make bench``'s miss server runs it: production settings, no page kept."""
    os.environ.update(site.environment(redis_url) | {"TECHPULSE_PAGE_CACHE_MAX_BYTES": "0"})
    import granian  # noqa: F401  # loaded, as by the server: production mode

    from techpulse import create_app

    return create_app()


class Client:
    """Calls the WSGI app directly, as the server would, and counts SQL statements."""

    def __init__(self, app: Any) -> None:
        from werkzeug.test import EnvironBuilder

        self.app = app
        self.builder = EnvironBuilder
        self.statements = 0
        with app.app_context():
            from techpulse.extensions import db

            event.listen(db.engine, "before_cursor_execute", self._count)

    def _count(self, *_args: Any) -> None:
        self.statements += 1

    def get(self, path: str) -> tuple[str, bytes]:
        environ = self.builder(
            path=path.split("?")[0],
            query_string=path.partition("?")[2],
            base_url="http://127.0.0.1:8014",
            headers={"Accept-Encoding": "identity"},
        ).get_environ()
        captured: list[str] = []
        body = self.app(environ, lambda status, headers, exc=None: captured.append(status))
        data = b"".join(body)
        getattr(body, "close", lambda: None)()
        return captured[0], data


def cpu_per_request(client: Client, path: str, n: int) -> tuple[float, float]:
    """(CPU µs per request, SQL statements per request) over ``n`` unseen query strings."""
    stamp = time.time_ns()
    statements = client.statements
    started = time.process_time()
    for k in range(n):
        status, _ = client.get(f"{path}?miss={stamp}-{k}")
        assert status.startswith("200"), status
    used = time.process_time() - started
    return used / n * 1e6, (client.statements - statements) / n


def after_write(
    client: Client, path: str, bump: Callable[[], None], n: int, pause: float = 0.02
) -> tuple[float, float]:
    """(median wall µs, median CPU µs) of the first request after each of ``n`` new
    generations, ``pause`` s after the write (20 ms, as ``make bench`` waits). The CPU is
    the process's: a background re-render in that window counts too."""
    stamp, walls, cpus = time.time_ns(), [], []
    for k in range(n):
        bump()
        time.sleep(pause)
        started, cpu = time.perf_counter(), time.process_time()
        status, _ = client.get(f"{path}?write={stamp}-{k}")
        walls.append((time.perf_counter() - started) * 1e6)
        cpus.append((time.process_time() - cpu) * 1e6)
        assert status.startswith("200"), status
        for j in range(3):  # warm again, as the bench does between samples
            client.get(f"{path}?write={stamp}-{k}-{j}")
    return statistics.median(walls), statistics.median(cpus)


def miss_wall(client: Client, path: str) -> float:
    """Wall µs of one miss (to compare with the first miss after a write)."""
    started = time.perf_counter()
    client.get(f"{path}?wall={time.time_ns()}")
    return (time.perf_counter() - started) * 1e6


def profile(client: Client, path: str, n: int, top: int) -> str:
    """cProfile of ``n`` misses of ``path``, the ``top`` functions by cumulative time."""
    stamp = time.time_ns()
    profiler = cProfile.Profile()
    profiler.enable()
    for k in range(n):
        client.get(f"{path}?prof={stamp}-{k}")
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    stats.print_stats(top)
    out.write("\n--- by own time ---\n")
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=100, help="stories on the site")
    parser.add_argument("-n", type=int, default=300, help="misses per page")
    parser.add_argument("--rounds", type=int, default=3, help="best-of rounds per page")
    parser.add_argument("--profile", nargs="*", choices=[*PAGES, "write"], default=None)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--after", type=float, default=0.02, help="s from write to request")
    args = parser.parse_args()
    config = settings()
    site = ensure_site(args.size, config.seed, config.cache, config.database_url)
    app = make_app(site, config.redis_url)
    client = Client(app)
    from techpulse.serving.invalidation import EXTENSION

    bump = app.extensions[EXTENSION].generation.bump
    paths = {name: make(site) for name, make in PAGES.items()}
    for path in paths.values():  # warm: imports, templates, compiled statements
        for k in range(30):
            client.get(f"{path}?warm={k}")
    database = "PostgreSQL" if config.database_url else "SQLite"
    print(f"{database}, {args.size:,} stories, load {os.getloadavg()[0]:.1f}")
    for name, path in paths.items():
        rounds = [cpu_per_request(client, path, args.n) for _ in range(args.rounds)]
        best = min(rounds)
        wall = statistics.median(miss_wall(client, path) for _ in range(15))
        first, first_cpu = after_write(client, path, bump, 15, args.after)
        print(
            f"{name:8} miss {best[0]:6.0f} µs CPU ({best[1]:.0f} SQL), {wall:6.0f} µs wall;  "
            f"first after a write {first:6.0f} µs wall ({first / wall:.2f}×), "
            f"{first_cpu:6.0f} µs CPU"
        )
    for name in args.profile or []:
        if name == "write":
            profiler = cProfile.Profile()
            stamp = time.time_ns()
            for k in range(20):
                bump()
                profiler.enable()
                client.get(f"{paths['article']}?pw={stamp}-{k}")
                profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.top)
            print(out.getvalue())
        else:
            print(profile(client, paths[name], args.n, args.top))


if __name__ == "__main__":
    main()
