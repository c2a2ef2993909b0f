"""``make bench`` pieces that must not silently break: the README's server command, wrk's report."""

from __future__ import annotations

from pathlib import Path

from bench.config import readme_server_command, server_argv
from bench.probe import parse_wrk
from bench.report import flatness

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
