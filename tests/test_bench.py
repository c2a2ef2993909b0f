"""``make bench`` pieces that must not silently break: the README's server command, wrk's report."""

from __future__ import annotations

from pathlib import Path

from bench.config import readme_server_command, server_argv
from bench.nginx_site import render_site
from bench.probe import parse_wrk
from bench.report import flatness, markdown, verdicts
from bench.sitegen import schema_url

WRK_OUTPUT = """\
Running 5s test @ http://127.0.0.1:8011/
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     5.10ms    2.00ms  40.00ms   80.00%
    Req/Sec     3.10k   200.00     3.50k    70.00%
  Latency Distribution
     50%  812.00us
     75%    6.00ms
     90%    8.00ms
     99%    1.20s
  31000 requests in 5.00s, 700.00MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 4
Requests/sec:   6200.50
Transfer/sec:    140.00MB
"""


def test_wrk_report_is_read_with_units():
    result = parse_wrk(WRK_OUTPUT)
    assert result.rps == 6200.5
    assert result.p50_ms == 0.812 and result.p99_ms == 1200.0
    assert result.errors == 9


def test_the_server_command_is_the_one_the_readme_gives():
    command = readme_server_command()
    assert command.startswith(".venv/bin/granian ") and command.endswith(" app:app")
    readme = " ".join(Path("README.md").read_text().replace("\\\n", " ").split())
    assert command in readme


def test_the_server_command_is_moved_to_the_bench_address(tmp_path):
    gunicorn = server_argv(".venv/bin/gunicorn -w 3 --bind 127.0.0.1:8000 app:app", "127.0.0.1", 5)
    assert gunicorn == [".venv/bin/gunicorn", "-w", "3", "--bind", "127.0.0.1:5", "app:app"]
    granian = server_argv("granian --interface wsgi --host 0.0.0.0 --port 8000 app:app", "h", 7)
    assert granian == ["granian", "--interface", "wsgi", "--host", "h", "--port", "7", "app:app"]
    readme = tmp_path / "README.md"
    readme.write_text("## Running in production\n\n```sh\nwaitress-serve app:app\n```\n")
    assert readme_server_command(readme) == "waitress-serve app:app"


def test_flatness_compares_the_smallest_and_largest_site():
    sizes = [
        {"targets": {"home": {"rps": 1000.0}, "tag": {"rps": 500.0}}},
        {"targets": {"home": {"rps": 800.0}, "tag": {"rps": 500.0}}},
    ]
    assert flatness(sizes) == {"home": 1.25, "tag": 1.0}


def row(rps: float, of_limit: float, kind: str = "app", **extra: object) -> dict[str, object]:
    figures = {"rps": rps, "of_limit": of_limit, "p50_ms": 1.0, "p99_ms": 9.0, "errors": 0}
    return {"path": "/", "kind": kind, **figures, **extra}


def a_result(article_via_nginx: float, home_via_nginx: float) -> dict[str, object]:
    """One measured size, as bench/__main__.py records it."""
    targets = {
        "article": row(6000, 0.3, bytes=28000, bytes_gzip=7000, miss_ms=4.0, cpu_ms=3.0),
        "home": row(7000, 0.35, bytes=22000, bytes_gzip=5000, miss_ms=3.0, cpu_ms=2.0),
        "article via nginx": row(20000 * article_via_nginx, article_via_nginx, "proxied",
                                 micro_cache="HIT", bytes=28100, bytes_gzip=7100),
        "home via nginx": row(20000 * home_via_nginx, home_via_nginx, "proxied",
                              micro_cache="HIT", bytes=22100, bytes_gzip=5100),
        "static limit": row(20000, 1.0, "static"),
    }  # fmt: skip
    sizes = [{"size": 100, "worker_rss_mb": 90.0, "targets": targets, "skipped": []}]
    return {
        "date": "2026-11-30 06:00 UTC",
        "machine": "x86_64, 2 cores",
        "commit": "abc1234",
        "settings": {"database": "SQLite", "server": "granian", "connections": "32",
                     "duration": "5s", "rounds": "3"},
        "sizes": sizes,
        "flatness": flatness(sizes * 2),
        "flatness_cpu": {},
    }  # fmt: skip


def test_pages_through_nginx_are_rows_with_their_share_of_the_static_limit():
    table = markdown(a_result(0.62, 0.85))
    assert "| 100 | article via nginx | 12,400 | 62.0% |" in table
    assert "| 100 | home via nginx | 17,000 | 85.0% |" in table
    assert "plain-http listener" in table  # the table says how nginx was reached


def test_pages_through_nginx_are_judged_against_nine_tenths_of_the_static_limit():
    lines = verdicts(a_result(0.92, 0.85))
    assert "- met: article via nginx ≥ 90% of static at 100 (92.0%, micro-cache HIT)" in lines
    assert "- **NOT met**: home via nginx ≥ 90% of static at 100 (85.0%, micro-cache HIT)" in lines


def test_a_miss_is_judged_by_its_cpu_its_throughput_and_after_a_write():
    result = a_result(0.9, 0.9)
    targets = result["sizes"][0]["targets"]
    targets["article"] |= {"cpu_ms": 1.8, "miss_ms": 2.0, "after_write_ms": 2.6,
                           "after_write_cpu_ms": 2.4}  # fmt: skip
    targets["home"]["cpu_ms"] = 2.4
    targets["article miss"] = row(1200, 0.05, "miss", cpu_ms=1.9)
    lines = verdicts(result)
    assert "- met: article CPU per miss ≤ 2 ms (SQLite) at 100 (1.8 ms)" in lines
    assert "- **NOT met**: home CPU per miss ≤ 2 ms (SQLite) at 100 (2.4 ms)" in lines
    assert "- met: article misses ≥ 1,000 req/s at 100 (1,200)" in lines
    assert (
        "- **NOT met**: article: first miss after a write ≤ 1.2× a warm miss at 100 "
        "(1.30×: 2.6 against 2.0 ms; CPU 2.4 against 1.8 ms)"
    ) in lines
    result["settings"]["database"] = "PostgreSQL + Redis"
    assert "- met: home CPU per miss ≤ 3 ms (PostgreSQL + Redis) at 100 (2.4 ms)" in verdicts(
        result
    )


def test_flatness_leaves_out_nginx_rows():
    assert set(a_result(0.6, 0.6)["flatness"]) == {"article", "home"}


def test_the_bench_front_is_the_shipped_site_on_plain_http(tmp_path):
    conf = render_site(tmp_path, 8611, 8613, tls=False, uploads=tmp_path / "up", workers="auto")
    site = (tmp_path / "techpulse.conf").read_text()
    shipped = Path("deploy/nginx/techpulse.conf").read_text()
    assert site.count("server {") == 1 and "listen 127.0.0.1:8613;" in site
    assert "ssl" not in site and "return 301" not in site
    assert "server 127.0.0.1:8611;" in site
    for kept in ("location /static/", "location /media/", "location @app", "gzip on;"):
        assert kept in site and kept in shipped
    assert f"include {tmp_path}/techpulse-microcache.conf;" in site
    assert (tmp_path / "techpulse-microcache.conf").read_text() == Path(
        "deploy/nginx/techpulse-microcache.conf"
    ).read_text()
    assert "worker_processes auto;" in conf.read_text()


def test_each_postgresql_site_size_has_a_schema_of_its_own():
    url = schema_url("postgresql://postgres@127.0.0.1:5432/bench", "bench_100_seed2026")
    assert url == (
        "postgresql://postgres@127.0.0.1:5432/bench?options=-csearch_path%3Dbench_100_seed2026"
    )


def _granian_options(path: str) -> list[str]:
    """The granian options in ``path``, without the address and worker count (set per place)."""
    text = Path(path).read_text().replace("\\\n", " ")
    line = next(line for line in text.splitlines() if "granian --interface" in line)
    words = line.split("granian", 1)[1].split()
    kept, skip = [], False
    for word in words:
        if not skip and word not in ("--host", "--port", "--workers"):
            kept.append(word)
        skip = word in ("--host", "--port", "--workers")
    return kept


def test_make_serve_and_the_systemd_unit_run_the_readme_server_command():
    readme = _granian_options("README.md")
    assert "--blocking-threads" in readme and readme[-1] == "app:app"
    assert _granian_options("Makefile") == readme
    assert _granian_options("deploy/techpulse.service") == readme
