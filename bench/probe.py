"""Measurements of one URL: wrk under load, bytes on the wire, the time of a cache miss."""

from __future__ import annotations

import http.client
import re
import statistics
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass(frozen=True)
class LoadResult:
    """One wrk run."""

    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int = 0


def run_wrk(
    url: str, duration: str, connections: int, threads: int, host_name: str = ""
) -> LoadResult:
    """Drive ``url`` with wrk and read requests/s, p50, p99 and errors from its report
    (as the site ``host_name`` when given: the Host header nginx and the app see)."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}", "--timeout", "10s"]
    command += ["-H", f"Host: {host_name}"] if host_name else []
    command += ["--latency", url]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return parse_wrk(out)


def parse_wrk(out: str) -> LoadResult:
    """Parse wrk's text report."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    latency = {
        pct: float(value) * _UNITS[unit]
        for pct, value, unit in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M)
    }
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors += int(non_2xx.group(1)) if non_2xx else 0
    done = re.search(r"(\d+) requests in", out)
    requests = int(done.group(1)) if done else 0
    return LoadResult(rps, latency.get("50", 0.0), latency.get("99", 0.0), errors, requests)


def fetch(
    host: str, port: int, path: str, gzip: bool = False, host_name: str = ""
) -> tuple[int, bytes, int]:
    """(status, body as sent, bytes on the wire including headers) for one GET."""
    connection = http.client.HTTPConnection(host, port, timeout=30)
    headers = {"Accept-Encoding": "gzip"} if gzip else {"Accept-Encoding": "identity"}
    headers |= {"Host": host_name} if host_name else {}
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    head = len(f"HTTP/1.1 {response.status} {response.reason}\r\n") + 2
    head += sum(len(k) + len(v) + 4 for k, v in response.getheaders())
    connection.close()
    return response.status, body, head + len(body)


def header(host: str, port: int, path: str, name: str, host_name: str = "") -> str:
    """One response header of a GET (empty when absent)."""
    connection = http.client.HTTPConnection(host, port, timeout=30)
    connection.request("GET", path, headers={"Host": host_name} if host_name else {})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.getheader(name, "")


def miss_time_ms(host: str, port: int, path: str, samples: int = 20) -> float:
    """Median time of a request nothing can have cached (a never-seen query string), in ms.

    Measured from the client on loopback, one request at a time on an idle server, so it is
    the server's time plus well under a millisecond of HTTP.
    """
    connection = http.client.HTTPConnection(host, port, timeout=30)
    sep = "&" if "?" in path else "?"
    timings = []
    stamp = time.time_ns()
    for n in range(samples):
        started = time.perf_counter()
        connection.request("GET", f"{path}{sep}bench-miss={stamp}-{n}")
        response = connection.getresponse()
        response.read()
        timings.append((time.perf_counter() - started) * 1000)
        if response.getheader("Connection", "").lower() == "close":
            connection.close()
            connection = http.client.HTTPConnection(host, port, timeout=30)
    connection.close()
    return statistics.median(timings)


def first_miss_after_write(
    host: str, port: int, path: str, write: Callable[[], None], cpu: Callable[[], float],
    samples: int = 10,
) -> tuple[float, float]:  # fmt: skip
    """(median ms, mean server CPU ms) of the first cache miss after each of ``samples`` writes.

    ``write`` changes the page-cache generation, as every public write does; one keep-alive
    connection reaches one worker, the one whose per-generation parts the write made stale.
    Between samples a few more misses leave that worker warm again.
    """
    connection = http.client.HTTPConnection(host, port, timeout=30)
    sep = "&" if "?" in path else "?"
    stamp, timings, cpu_used = time.time_ns(), [], 0.0

    def get(query: str) -> None:
        connection.request("GET", f"{path}{sep}bench-write={stamp}-{query}")
        connection.getresponse().read()

    get("warm")
    for n in range(samples):
        write()
        time.sleep(0.02)
        before, started = cpu(), time.perf_counter()
        get(f"{n}")
        timings.append((time.perf_counter() - started) * 1000)
        cpu_used += cpu() - before
        for k in range(3):
            get(f"{n}-{k}")
    connection.close()
    return statistics.median(timings), cpu_used / samples * 1000


def wait_until_serving(host: str, port: int, path: str = "/", timeout: float = 90.0) -> None:
    """Return once ``path`` answers 200: the port opens before the workers have loaded."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if fetch(host, port, path)[0] == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"http://{host}:{port}{path} does not answer 200")
        time.sleep(0.2)
